-- meaning: The months each RFC has loaded: one row per loaded RFC and month with at least one committed
-- load (any dataset and side), with when the last one finished. What a reader can filter on.
-- example: SELECT rfc, month, ultima_carga FROM meses_cargados ORDER BY ALL
SELECT rfc, month, max(finished_at) AS ultima_carga
FROM loads
WHERE status = 'committed'
GROUP BY rfc, month
