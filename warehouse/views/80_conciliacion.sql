-- meaning: Reconciliation of metadata and XML (CFDI and Retenciones) per loaded RFC and side: one row
-- per UUID that SAT's metadata lists with no XML loaded (falta = 'xml'), or whose XML is loaded with no
-- metadata (falta = 'metadata'). Documents cancelled per metadata are not expected as XML and are left out.
-- An empty view means every listed document arrived and every document is listed. importe (the
-- metadata's monto or the XML's total) is rounded to the cent.
-- example: SELECT rfc, direction, month, falta, count(*) AS documentos
-- FROM conciliacion GROUP BY ALL ORDER BY ALL
WITH metadatos AS (
    SELECT DISTINCT ON (rfc, direction, uuid) rfc, direction, month, uuid, fecha_emision, monto, estatus
    FROM metadata
    ORDER BY rfc, direction, uuid, month
),
xml AS (
    SELECT DISTINCT ON (rfc, direction, uuid) rfc, direction, month, uuid, fecha, total
    FROM (
        SELECT rfc, direction, month, uuid, fecha, total FROM comprobantes
        UNION ALL
        SELECT rfc, direction, month, uuid, fecha_exp, monto_tot_operacion FROM retenciones
    )
    ORDER BY rfc, direction, uuid, month
)
SELECT m.rfc, m.direction, m.month, m.uuid, 'xml' AS falta, m.fecha_emision AS fecha,
    centavos(m.monto) AS importe
FROM metadatos AS m
ANTI JOIN xml AS x ON x.rfc = m.rfc AND x.direction = m.direction AND x.uuid = m.uuid
WHERE m.estatus <> 'cancelado'
UNION ALL
SELECT x.rfc, x.direction, x.month, x.uuid, 'metadata', x.fecha, centavos(x.total)
FROM xml AS x
ANTI JOIN metadatos AS m ON m.rfc = x.rfc AND m.direction = x.direction AND m.uuid = x.uuid
