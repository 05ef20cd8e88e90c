-- meaning: The months each RFC has loaded: one row per loaded RFC and month with at least one committed
-- load (any dataset and side), with when the last one finished. What a reader can filter on; the partition
-- where cfdi-etl load-files keeps its rejects (RFC XXXX000000XXX, 1970-01) is no taxpayer's month and is left out.
-- example: SELECT rfc, month, ultima_carga FROM meses_cargados ORDER BY ALL
SELECT rfc, month, max(finished_at) AS ultima_carga
FROM loads
WHERE status = 'committed' AND NOT es_rfc_de_rechazos(rfc)
GROUP BY rfc, month
