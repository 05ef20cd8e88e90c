-- meaning: Every cancelled document, and every one whose cancellation SAT's status service says was
-- asked for (estatus_cancelacion: 'En proceso' while the receiver has 72 hours to answer, 'Solicitud
-- rechazada' when the receiver refused and it stays vigente, 'Plazo vencido' when it was cancelled
-- because the receiver never answered, 'Cancelado con/sin aceptación'), one row per UUID for each
-- loaded RFC whose metadata lists it (or, without metadata, whose XML holds it): when SAT cancelled it,
-- when the warehouse first saw the cancellation (cancelacion_vista_desde), and when the statuses of
-- its month were first loaded for that RFC and side (the first metadata load, mes_cargado_desde).
-- cancelado_despues_de_cargar is true when the cancellation was seen after that, i.e. figures taken
-- from that month before then counted the document as vigente. consultado_en is the service's newest
-- answer; monto is the document's total rounded to the cent, in its own currency. Answers "what was
-- cancelled, or is being cancelled, since my last close?".
-- example: SELECT rfc, uuid, month, estatus, estatus_cancelacion, fecha_cancelacion, monto
-- FROM cancelaciones WHERE cancelacion_vista_desde > TIMESTAMP '2024-01-31 23:59:59'
-- OR estatus_cancelacion = 'En proceso' ORDER BY ALL
WITH primera_carga AS (
    SELECT rfc, month, direction, min(finished_at) AS mes_cargado_desde
    FROM loads
    WHERE status = 'committed' AND dataset = 'metadata'
    GROUP BY rfc, month, direction
),
documentos AS (
    SELECT rfc, direction, month, uuid, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
        efecto_comprobante, fecha_emision, monto, 0 AS origen
    FROM metadata
    UNION ALL
    SELECT rfc, direction, month, uuid, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
        tipo_de_comprobante, fecha, total, 1
    FROM comprobantes
)
SELECT
    m.rfc,
    m.direction,
    m.month,
    m.uuid,
    m.rfc_emisor,
    m.nombre_emisor,
    m.rfc_receptor,
    m.nombre_receptor,
    m.efecto_comprobante,
    m.fecha_emision,
    centavos(m.monto) AS monto,
    s.estatus,
    s.estatus_cancelacion,
    s.es_cancelable,
    s.fecha_cancelacion,
    s.cancelacion_vista_desde,
    l.mes_cargado_desde,
    coalesce(s.cancelacion_vista_desde > l.mes_cargado_desde, false) AS cancelado_despues_de_cargar,
    s.consultado_en
FROM documentos AS m
JOIN estatus_actual AS s ON s.uuid = m.uuid AND (s.estatus = 'cancelado' OR s.estatus_cancelacion IS NOT NULL)
LEFT JOIN primera_carga AS l ON l.rfc = m.rfc AND l.month = m.month AND l.direction = m.direction
QUALIFY row_number() OVER (PARTITION BY m.rfc, m.uuid ORDER BY m.origen, m.direction, m.month) = 1
