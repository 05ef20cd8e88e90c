-- meaning: The month at a glance per loaded RFC, in MXN rounded to the cent per document: ingresos
-- (importe of the ingreso and egreso documents it issued, credit notes subtracting) and egresos (the same
-- for those it received), IVA trasladado (charged on issued documents), acreditable (charged to it on
-- received documents) and a cargo (trasladado - acreditable; withholdings not netted), each on the accrual
-- (devengado) and cash (flujo) bases of iva_documentos; vigente documents issued and received (every type)
-- and cancellations by month of emission (cancelaciones). The *_anterior columns hold the previous
-- calendar month's figure (null when that month is not loaded), variacion_* the difference.
-- example: SELECT rfc, month, ingresos_mxn, egresos_mxn, iva_a_cargo_devengado_mxn, variacion_ingresos_mxn
-- FROM resumen_mensual ORDER BY ALL
WITH documentos AS (
    SELECT
        c.rfc,
        c.month,
        c.direction,
        c.tipo_de_comprobante,
        CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END
            * (c.sub_total_mxn - coalesce(c.descuento_mxn, 0)) AS importe_mxn
    FROM comprobantes AS c
    LEFT JOIN estatus_actual AS s USING (uuid)
    WHERE s.estatus IS DISTINCT FROM 'cancelado' AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
),
por_documentos AS (
    SELECT
        rfc,
        month,
        coalesce(suma_centavos(CASE WHEN direction = 'emitidos' AND tipo_de_comprobante IN ('I', 'E')
            THEN importe_mxn END), 0) AS ingresos_mxn,
        coalesce(suma_centavos(CASE WHEN direction = 'recibidos' AND tipo_de_comprobante IN ('I', 'E')
            THEN importe_mxn END), 0) AS egresos_mxn,
        count(*) FILTER (WHERE direction = 'emitidos') AS documentos_emitidos,
        count(*) FILTER (WHERE direction = 'recibidos') AS documentos_recibidos
    FROM documentos
    GROUP BY rfc, month
),
iva AS (
    SELECT
        rfc,
        month,
        coalesce(sum(iva_trasladado_mxn) FILTER (WHERE direction = 'emitidos' AND base = 'devengado'), 0)
            AS iva_trasladado_devengado_mxn,
        coalesce(sum(iva_trasladado_mxn) FILTER (WHERE direction = 'recibidos' AND base = 'devengado'), 0)
            AS iva_acreditable_devengado_mxn,
        coalesce(sum(iva_trasladado_mxn) FILTER (WHERE direction = 'emitidos' AND base = 'flujo'), 0)
            AS iva_trasladado_flujo_mxn,
        coalesce(sum(iva_trasladado_mxn) FILTER (WHERE direction = 'recibidos' AND base = 'flujo'), 0)
            AS iva_acreditable_flujo_mxn
    FROM iva_documentos
    GROUP BY rfc, month
),
cancelados AS (
    SELECT rfc, month, count(*) AS cancelaciones FROM cancelaciones GROUP BY rfc, month
),
meses AS (
    SELECT rfc, month FROM por_documentos
    UNION
    SELECT rfc, month FROM iva
    UNION
    SELECT rfc, month FROM cancelados
),
mensual AS (
    SELECT
        m.rfc,
        m.month,
        coalesce(d.ingresos_mxn, 0)::DECIMAL(18, 2) AS ingresos_mxn,
        coalesce(d.egresos_mxn, 0)::DECIMAL(18, 2) AS egresos_mxn,
        coalesce(i.iva_trasladado_devengado_mxn, 0)::DECIMAL(18, 2) AS iva_trasladado_devengado_mxn,
        coalesce(i.iva_acreditable_devengado_mxn, 0)::DECIMAL(18, 2) AS iva_acreditable_devengado_mxn,
        (coalesce(i.iva_trasladado_devengado_mxn, 0) - coalesce(i.iva_acreditable_devengado_mxn, 0))
            ::DECIMAL(18, 2) AS iva_a_cargo_devengado_mxn,
        coalesce(i.iva_trasladado_flujo_mxn, 0)::DECIMAL(18, 2) AS iva_trasladado_flujo_mxn,
        coalesce(i.iva_acreditable_flujo_mxn, 0)::DECIMAL(18, 2) AS iva_acreditable_flujo_mxn,
        (coalesce(i.iva_trasladado_flujo_mxn, 0) - coalesce(i.iva_acreditable_flujo_mxn, 0))
            ::DECIMAL(18, 2) AS iva_a_cargo_flujo_mxn,
        coalesce(d.documentos_emitidos, 0) AS documentos_emitidos,
        coalesce(d.documentos_recibidos, 0) AS documentos_recibidos,
        coalesce(k.cancelaciones, 0) AS cancelaciones
    FROM meses AS m
    LEFT JOIN por_documentos AS d USING (rfc, month)
    LEFT JOIN iva AS i USING (rfc, month)
    LEFT JOIN cancelados AS k USING (rfc, month)
)
SELECT
    m.*,
    a.ingresos_mxn AS ingresos_anterior_mxn,
    a.egresos_mxn AS egresos_anterior_mxn,
    a.iva_a_cargo_devengado_mxn AS iva_a_cargo_devengado_anterior_mxn,
    a.iva_a_cargo_flujo_mxn AS iva_a_cargo_flujo_anterior_mxn,
    a.documentos_emitidos AS documentos_emitidos_anterior,
    a.documentos_recibidos AS documentos_recibidos_anterior,
    a.cancelaciones AS cancelaciones_anterior,
    CAST(m.ingresos_mxn - a.ingresos_mxn AS DECIMAL(18, 2)) AS variacion_ingresos_mxn,
    CAST(m.egresos_mxn - a.egresos_mxn AS DECIMAL(18, 2)) AS variacion_egresos_mxn,
    CAST(m.iva_a_cargo_devengado_mxn - a.iva_a_cargo_devengado_mxn AS DECIMAL(18, 2)) AS variacion_iva_a_cargo_devengado_mxn,
    CAST(m.iva_a_cargo_flujo_mxn - a.iva_a_cargo_flujo_mxn AS DECIMAL(18, 2)) AS variacion_iva_a_cargo_flujo_mxn,
    m.documentos_emitidos - a.documentos_emitidos AS variacion_documentos_emitidos,
    m.documentos_recibidos - a.documentos_recibidos AS variacion_documentos_recibidos,
    m.cancelaciones - a.cancelaciones AS variacion_cancelaciones
FROM mensual AS m
LEFT JOIN mensual AS a ON a.rfc = m.rfc AND a.month = (m.month - INTERVAL 1 MONTH)::DATE
