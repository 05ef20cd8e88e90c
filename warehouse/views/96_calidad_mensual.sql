-- meaning: Data quality per loaded RFC and month: when the month last loaded successfully (any dataset,
-- side), failed load attempts since then, metadata listed without XML (sin_xml) and XML without metadata
-- (sin_metadata) from conciliacion, rejected documents and metadata lines (documentos_rechazados,
-- metadata_rechazos), and SAT requests still pending in the request ledger as of the last publish
-- (solicitudes_pendientes). What cfdi-etl load-files refused belongs to no loaded RFC or month: see
-- rechazos_por_motivo under RFC XXXX000000XXX.
-- example: SELECT rfc, month, ultima_carga, sin_xml, sin_metadata, rechazos, solicitudes_pendientes
-- FROM calidad_mensual ORDER BY ALL
WITH cargas AS (
    SELECT rfc, month, max(finished_at) FILTER (WHERE status = 'committed') AS ultima_carga
    FROM loads
    WHERE NOT es_rfc_de_rechazos(rfc)
    GROUP BY rfc, month
),
fallidas AS (
    SELECT l.rfc, l.month, count(*) AS cargas_fallidas
    FROM loads AS l
    JOIN cargas AS c USING (rfc, month)
    WHERE l.status = 'failed' AND (c.ultima_carga IS NULL OR l.finished_at > c.ultima_carga)
    GROUP BY ALL
),
faltantes AS (
    SELECT rfc, month, count(*) FILTER (WHERE falta = 'xml') AS sin_xml,
        count(*) FILTER (WHERE falta = 'metadata') AS sin_metadata
    FROM conciliacion
    GROUP BY ALL
),
rechazos AS (
    SELECT rfc, month, sum(registros) AS rechazos FROM rechazos_por_motivo GROUP BY ALL
),
pendientes AS (
    SELECT rfc, month, count(*) AS solicitudes_pendientes FROM solicitudes_pendientes GROUP BY ALL
),
meses AS (
    SELECT rfc, month FROM cargas
    UNION
    SELECT rfc, month FROM pendientes
)
SELECT
    m.rfc,
    m.month,
    c.ultima_carga,
    coalesce(f.cargas_fallidas, 0) AS cargas_fallidas,
    coalesce(x.sin_xml, 0) AS sin_xml,
    coalesce(x.sin_metadata, 0) AS sin_metadata,
    coalesce(r.rechazos, 0) AS rechazos,
    coalesce(p.solicitudes_pendientes, 0) AS solicitudes_pendientes
FROM meses AS m
LEFT JOIN cargas AS c USING (rfc, month)
LEFT JOIN fallidas AS f USING (rfc, month)
LEFT JOIN faltantes AS x USING (rfc, month)
LEFT JOIN rechazos AS r USING (rfc, month)
LEFT JOIN pendientes AS p USING (rfc, month)
