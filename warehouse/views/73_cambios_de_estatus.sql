-- meaning: Every change SAT's status service reported (`cfdi-etl status check`): an answer whose estatus
-- or estatus_cancelacion differs from what the warehouse held just before it (a document first seen by
-- the service is not a change), one row per loaded RFC holding the document, with when SAT said it and
-- the document's total rounded to the cent (monto, its own currency). The alert "a received invoice I
-- booked as vigente is now cancelled" is direction = 'recibidos' AND estatus_anterior = 'vigente' AND
-- estatus = 'cancelado'.
-- example: SELECT rfc, uuid, rfc_emisor, monto, visto_desde, estatus_cancelacion FROM cambios_de_estatus
-- WHERE direction = 'recibidos' AND estatus_anterior = 'vigente' AND estatus = 'cancelado' ORDER BY ALL
WITH documentos AS (
    SELECT rfc, direction, month, uuid, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor, monto,
        0 AS origen
    FROM metadata
    UNION ALL
    SELECT rfc, direction, month, uuid, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor, total, 1
    FROM comprobantes
),
tenedores AS (
    SELECT * EXCLUDE (origen) FROM documentos
    QUALIFY row_number() OVER (PARTITION BY rfc, uuid ORDER BY origen, direction, month) = 1
)
SELECT
    d.rfc,
    d.direction,
    d.month,
    h.uuid,
    d.rfc_emisor,
    d.nombre_emisor,
    d.rfc_receptor,
    d.nombre_receptor,
    centavos(d.monto) AS monto,
    h.visto_desde,
    h.estatus_anterior,
    h.estatus,
    h.estatus_cancelacion_anterior,
    h.estatus_cancelacion,
    h.load_id AS consulta
FROM estatus_historial AS h
JOIN tenedores AS d USING (uuid)
WHERE h.fuente = 'consulta' AND h.estatus_anterior IS NOT NULL
    AND (h.estatus IS DISTINCT FROM h.estatus_anterior
        OR h.estatus_cancelacion IS DISTINCT FROM h.estatus_cancelacion_anterior)
