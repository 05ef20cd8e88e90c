-- meaning: Every cancelled document, one row per UUID for each loaded RFC whose metadata lists it: when
-- SAT cancelled it, when the warehouse first saw the cancellation (cancelacion_vista_desde), and when
-- the statuses of its month were first loaded for that RFC and side (the first metadata load,
-- mes_cargado_desde). cancelado_despues_de_cargar is true when the cancellation was seen after that,
-- i.e. figures taken from that month before then counted the document as vigente.
-- Answers "what was cancelled since my last close?". monto is rounded to the cent.
-- example: SELECT rfc, uuid, month, fecha_cancelacion, monto FROM cancelaciones
-- WHERE cancelacion_vista_desde > TIMESTAMP '2024-01-31 23:59:59' ORDER BY cancelacion_vista_desde
WITH primera_carga AS (
    SELECT rfc, month, direction, min(finished_at) AS mes_cargado_desde
    FROM loads
    WHERE status = 'committed' AND dataset = 'metadata'
    GROUP BY rfc, month, direction
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
    s.fecha_cancelacion,
    s.cancelacion_vista_desde,
    l.mes_cargado_desde,
    coalesce(s.cancelacion_vista_desde > l.mes_cargado_desde, false) AS cancelado_despues_de_cargar
FROM metadata AS m
JOIN estatus_actual AS s ON s.uuid = m.uuid AND s.estatus = 'cancelado'
LEFT JOIN primera_carga AS l ON l.rfc = m.rfc AND l.month = m.month AND l.direction = m.direction
QUALIFY row_number() OVER (PARTITION BY m.rfc, m.uuid ORDER BY m.direction, m.month) = 1
