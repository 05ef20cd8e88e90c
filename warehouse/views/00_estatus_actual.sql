-- meaning: The current SAT status of every UUID seen in metadata: 'cancelado' once any metadata load
-- saw it cancelled (cancellation is final at SAT), else 'vigente'; with when SAT cancelled it and when
-- the warehouse first saw the cancellation. UUIDs never seen in metadata are absent (the other views
-- call them 'sin_metadata').
-- example: SELECT estatus, count(*) AS documentos FROM estatus_actual GROUP BY estatus ORDER BY estatus
SELECT
    uuid,
    CASE WHEN bool_or(estatus = 'cancelado') THEN 'cancelado' ELSE 'vigente' END AS estatus,
    max(fecha_cancelacion) AS fecha_cancelacion,
    min(visto_desde) FILTER (WHERE estatus = 'cancelado') AS cancelacion_vista_desde,
    min(visto_desde) AS visto_desde
FROM estatus_historial
GROUP BY uuid
