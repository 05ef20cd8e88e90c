-- meaning: Every stamped CFDI header (unstamped ones are in documentos_sin_timbre), one row per UUID
-- however many loaded RFCs hold it (issuer and receiver), joined with its current status (estatus: vigente, cancelado or sin_metadata). Amounts are in the
-- document's currency (moneda) and in MXN (the *_mxn columns), rounded to the cent (DECIMAL(18,2); the
-- comprobantes table keeps SAT's values exactly). month is the month of emission.
-- Cancelled documents included: use `documentos` to leave them out.
-- example: SELECT uuid, fecha, tipo_de_comprobante, total_mxn, estatus, fecha_cancelacion
-- FROM documentos_con_cancelados WHERE estatus = 'cancelado' ORDER BY fecha DESC LIMIT 20
SELECT
    c.* EXCLUDE (rfc, month, direction, load_id, source_package, source_sha256, loaded_at) REPLACE (
        centavos(c.sub_total) AS sub_total,
        centavos(c.descuento) AS descuento,
        centavos(c.total) AS total,
        centavos(c.total_impuestos_trasladados) AS total_impuestos_trasladados,
        centavos(c.total_impuestos_retenidos) AS total_impuestos_retenidos,
        centavos(c.total_traslados_locales) AS total_traslados_locales,
        centavos(c.total_retenciones_locales) AS total_retenciones_locales,
        centavos(c.sub_total_mxn) AS sub_total_mxn,
        centavos(c.descuento_mxn) AS descuento_mxn,
        centavos(c.total_mxn) AS total_mxn,
        centavos(c.total_impuestos_trasladados_mxn) AS total_impuestos_trasladados_mxn,
        centavos(c.total_impuestos_retenidos_mxn) AS total_impuestos_retenidos_mxn
    ),
    date_trunc('month', c.fecha)::DATE AS month,
    coalesce(s.estatus, 'sin_metadata') AS estatus,
    s.fecha_cancelacion
FROM comprobantes AS c
LEFT JOIN estatus_actual AS s USING (uuid)
WHERE c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
QUALIFY row_number() OVER (PARTITION BY c.uuid ORDER BY c.direction, c.rfc, c.month) = 1
