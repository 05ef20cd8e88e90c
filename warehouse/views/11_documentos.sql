-- meaning: The documents analysts count: every CFDI header, one row per UUID, without cancelled ones
-- (estatus vigente, or sin_metadata when no metadata was loaded for it). Amounts in moneda and in MXN, rounded to the cent.
-- example: SELECT month, tipo_de_comprobante, count(*) AS documentos, sum(total_mxn) AS total_mxn
-- FROM documentos GROUP BY ALL ORDER BY ALL
SELECT *
FROM documentos_con_cancelados
WHERE estatus <> 'cancelado'
