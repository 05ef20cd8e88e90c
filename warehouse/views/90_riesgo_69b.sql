-- meaning: For each loaded RFC, each counterparty on SAT's Art. 69-B list (received documents: its
-- suppliers; issued: its customers), one row per proceeding (an RFC with two proceedings has two rows,
-- each with the same documents), with its situation (Presunto, Desvirtuado, Definitivo, Sentencia
-- Favorable), when each stage was first published (the earlier of SAT's page and the DOF) and the
-- list's date; then the counterparty's ingreso and egreso CFDI with this RFC (cancelled and unstamped
-- ones left out, credit notes negative): how many, their totals and their IVA trasladado (for received
-- documents, the IVA credited from the supplier) in MXN rounded to the cent per document, in all and
-- dated before the presunción, on or after it, and on or after the definitive publication. Suppressed
-- rows are left out; empty when no 69-B list was loaded.
-- example: SELECT rfc, direction, contraparte, situacion, fecha_definitivo, documentos,
-- iva_trasladado_mxn, iva_despues_definitivo_mxn FROM riesgo_69b ORDER BY iva_trasladado_mxn DESC
WITH listados AS (
    SELECT
        rfc AS contraparte,
        nombre,
        situacion,
        presuncion_oficio_sat,
        least(presuncion_publicacion_sat, presuncion_publicacion_dof) AS fecha_presuncion,
        least(desvirtuado_publicacion_sat, desvirtuado_publicacion_dof) AS fecha_desvirtuado,
        least(definitivo_publicacion_sat, definitivo_publicacion_dof) AS fecha_definitivo,
        least(sentencia_favorable_publicacion_sat, sentencia_favorable_publicacion_dof) AS fecha_sentencia_favorable,
        fecha_lista
    FROM lista_69b
    WHERE NOT suprimido
),
candidatos AS (
    SELECT
        c.rfc,
        c.month,
        c.direction,
        c.uuid,
        c.fecha,
        c.tipo_cambio,
        CASE c.direction WHEN 'recibidos' THEN c.rfc_emisor ELSE c.rfc_receptor END AS contraparte,
        CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END AS signo,
        c.total_mxn
    FROM comprobantes AS c
    WHERE c.tipo_de_comprobante IN ('I', 'E')
        AND (CASE c.direction WHEN 'recibidos' THEN c.rfc_emisor ELSE c.rfc_receptor END)
            IN (SELECT contraparte FROM listados)
),
documentos AS (
    -- DuckDB types DECIMAL(18,6) x DECIMAL(18,6) as DECIMAL(18,12), overflowing past a million: widen first.
    -- Only the listed counterparties' documents are joined to their IVA lines and statuses.
    SELECT
        d.rfc,
        d.direction,
        d.contraparte,
        d.fecha,
        d.signo * d.total_mxn::DECIMAL(38, 6) AS total_mxn,
        d.signo * coalesce(sum(i.importe::DECIMAL(38, 6)), 0) * coalesce(d.tipo_cambio, 1) AS iva_mxn
    FROM candidatos AS d
    LEFT JOIN impuestos AS i
        ON i.rfc = d.rfc AND i.month = d.month AND i.direction = d.direction AND i.uuid = d.uuid
        AND i.nivel = 'comprobante' AND i.impuesto = '002' AND i.tipo = 'traslado'
    LEFT JOIN estatus_actual AS s ON s.uuid = d.uuid
    WHERE s.estatus IS DISTINCT FROM 'cancelado' AND d.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY d.rfc, d.month, d.direction, d.uuid, d.contraparte, d.fecha, d.signo, d.total_mxn, d.tipo_cambio
)
SELECT
    d.rfc,
    d.direction,
    l.contraparte,
    l.nombre,
    l.situacion,
    l.presuncion_oficio_sat,
    l.fecha_presuncion,
    l.fecha_desvirtuado,
    l.fecha_definitivo,
    l.fecha_sentencia_favorable,
    l.fecha_lista,
    count(*) AS documentos,
    min(d.fecha) AS primer_documento,
    max(d.fecha) AS ultimo_documento,
    suma_centavos(d.total_mxn) AS total_mxn,
    suma_centavos(d.iva_mxn) AS iva_trasladado_mxn,
    count(*) FILTER (WHERE d.fecha < l.fecha_presuncion) AS documentos_antes_presuncion,
    coalesce(suma_centavos(CASE WHEN d.fecha < l.fecha_presuncion THEN d.total_mxn END), 0) AS total_antes_presuncion_mxn,
    coalesce(suma_centavos(CASE WHEN d.fecha < l.fecha_presuncion THEN d.iva_mxn END), 0) AS iva_antes_presuncion_mxn,
    count(*) FILTER (WHERE d.fecha >= l.fecha_presuncion) AS documentos_despues_presuncion,
    coalesce(suma_centavos(CASE WHEN d.fecha >= l.fecha_presuncion THEN d.total_mxn END), 0) AS total_despues_presuncion_mxn,
    coalesce(suma_centavos(CASE WHEN d.fecha >= l.fecha_presuncion THEN d.iva_mxn END), 0) AS iva_despues_presuncion_mxn,
    count(*) FILTER (WHERE d.fecha >= l.fecha_definitivo) AS documentos_despues_definitivo,
    coalesce(suma_centavos(CASE WHEN d.fecha >= l.fecha_definitivo THEN d.total_mxn END), 0) AS total_despues_definitivo_mxn,
    coalesce(suma_centavos(CASE WHEN d.fecha >= l.fecha_definitivo THEN d.iva_mxn END), 0) AS iva_despues_definitivo_mxn
FROM documentos AS d
JOIN listados AS l USING (contraparte)
GROUP BY ALL
