-- meaning: What could not be loaded, per loaded RFC, month, side and reason: origen 'documento' for XML
-- documents refused (documentos_rechazados), 'metadata' for metadata lines refused (metadata_rechazos),
-- with how many. What cfdi-etl load-files refused is under RFC XXXX000000XXX, month 1970-01 (its fixed
-- partition: such files often have no trustworthy date and belong to none of the loaded RFCs).
-- example: SELECT rfc, month, origen, motivo, registros FROM rechazos_por_motivo ORDER BY registros DESC
SELECT rfc, month, direction, 'documento' AS origen, motivo, count(*) AS registros
FROM documentos_rechazados
GROUP BY ALL
UNION ALL
SELECT rfc, month, direction, 'metadata', motivo, count(*)
FROM metadata_rechazos
GROUP BY ALL
