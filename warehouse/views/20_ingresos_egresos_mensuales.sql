-- meaning: Income and expenses per loaded RFC, month of emission and currency: for 'ingresos' the
-- documents the RFC issued, for 'egresos' those it received. Ingreso (I) documents add and egreso (E)
-- documents (credit notes) subtract; cancelled documents are left out. importe is SubTotal - Descuento
-- (before taxes), total includes taxes; each in the currency (moneda) and in MXN, each document rounded to
-- the cent before summing (DECIMAL(18,2)). A document issued by one loaded RFC to another counts once on
-- each side.
-- example: SELECT rfc, month, tipo, sum(neto_mxn) AS neto_mxn, sum(total_neto_mxn) AS total_neto_mxn
-- FROM ingresos_egresos_mensuales GROUP BY ALL ORDER BY ALL
WITH vigentes AS (
    SELECT
        c.rfc,
        c.month,
        c.direction,
        c.tipo_de_comprobante,
        c.moneda,
        CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END AS signo,
        c.sub_total - coalesce(c.descuento, 0) AS importe,
        c.sub_total_mxn - coalesce(c.descuento_mxn, 0) AS importe_mxn,
        c.total,
        c.total_mxn
    FROM comprobantes AS c
    LEFT JOIN estatus_actual AS s USING (uuid)
    WHERE c.tipo_de_comprobante IN ('I', 'E') AND s.estatus IS DISTINCT FROM 'cancelado'
        AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
)
SELECT
    rfc,
    month,
    CASE direction WHEN 'emitidos' THEN 'ingresos' ELSE 'egresos' END AS tipo,
    moneda,
    count(*) FILTER (WHERE tipo_de_comprobante = 'I') AS documentos_i,
    count(*) FILTER (WHERE tipo_de_comprobante = 'E') AS notas_de_credito,
    coalesce(suma_centavos(CASE WHEN tipo_de_comprobante = 'I' THEN importe END), 0) AS importe_i,
    coalesce(suma_centavos(CASE WHEN tipo_de_comprobante = 'E' THEN importe END), 0) AS importe_e,
    coalesce(suma_centavos(signo * importe), 0) AS neto,
    coalesce(suma_centavos(signo * importe_mxn), 0) AS neto_mxn,
    coalesce(suma_centavos(signo * total), 0) AS total_neto,
    coalesce(suma_centavos(signo * total_mxn), 0) AS total_neto_mxn
FROM vigentes
GROUP BY rfc, month, direction, moneda
