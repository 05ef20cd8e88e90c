-- meaning: For each loaded RFC, each counterparty on one of SAT's Art. 69 lists (received documents: its
-- suppliers; issued: its customers), one row per list it is on (Firmes, No localizados, Cancelados,
-- Exigibles, CSD sin efectos, Entes publicos omisos, Sentencias; its several rows in one list, e.g.
-- several debts, counted in registros, with their supuestos and the earliest first publication), then
-- the counterparty's ingreso and egreso CFDI with this RFC (cancelled and unstamped ones left out,
-- credit notes negative): how many, their totals and their IVA trasladado in MXN rounded to the cent per
-- document, in all and dated before and on or after that first publication. Empty when no Art. 69 list
-- was loaded.
-- example: SELECT rfc, direction, contraparte, lista, fecha_primera_publicacion, documentos,
-- iva_trasladado_mxn, iva_despues_publicacion_mxn FROM riesgo_69 ORDER BY iva_trasladado_mxn DESC
WITH listados AS (
    SELECT
        rfc AS contraparte,
        lista,
        any_value(razon_social ORDER BY linea) AS razon_social,
        count(*) AS registros,
        string_agg(DISTINCT supuesto, '; ' ORDER BY supuesto) AS supuestos,
        min(fecha_primera_publicacion) AS fecha_primera_publicacion,
        max(fecha_lista) AS fecha_lista
    FROM lista_69
    GROUP BY rfc, lista
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
    l.razon_social,
    l.lista,
    l.supuestos,
    l.registros,
    l.fecha_primera_publicacion,
    l.fecha_lista,
    count(*) AS documentos,
    min(d.fecha) AS primer_documento,
    max(d.fecha) AS ultimo_documento,
    suma_centavos(d.total_mxn) AS total_mxn,
    suma_centavos(d.iva_mxn) AS iva_trasladado_mxn,
    count(*) FILTER (WHERE d.fecha < l.fecha_primera_publicacion) AS documentos_antes_publicacion,
    coalesce(suma_centavos(CASE WHEN d.fecha < l.fecha_primera_publicacion THEN d.total_mxn END), 0) AS total_antes_publicacion_mxn,
    coalesce(suma_centavos(CASE WHEN d.fecha < l.fecha_primera_publicacion THEN d.iva_mxn END), 0) AS iva_antes_publicacion_mxn,
    count(*) FILTER (WHERE d.fecha >= l.fecha_primera_publicacion) AS documentos_despues_publicacion,
    coalesce(suma_centavos(CASE WHEN d.fecha >= l.fecha_primera_publicacion THEN d.total_mxn END), 0) AS total_despues_publicacion_mxn,
    coalesce(suma_centavos(CASE WHEN d.fecha >= l.fecha_primera_publicacion THEN d.iva_mxn END), 0) AS iva_despues_publicacion_mxn
FROM documentos AS d
JOIN listados AS l USING (contraparte)
GROUP BY ALL
