-- meaning: The current SAT status of every UUID in the status history: the newest of what metadata
-- loads saw and what SAT's status service answered (`cfdi-etl status check`), 'vigente' or 'cancelado';
-- 'no_encontrado' when the only word on it is the service's No Encontrado. With when SAT cancelled it
-- (metadata), when the warehouse first saw the cancellation, and the service's newest answer
-- (estado_consulta, es_cancelable, estatus_cancelacion such as 'En proceso', validacion_efos,
-- consultado_en; null when it was never asked). UUIDs in no history are absent (the other views call
-- them 'sin_metadata').
-- example: SELECT estatus, estatus_cancelacion, count(*) AS documentos FROM estatus_actual
-- GROUP BY ALL ORDER BY ALL
SELECT
    uuid,
    coalesce(
        arg_max(estatus, visto_desde) FILTER (WHERE estatus IN ('vigente', 'cancelado')), 'no_encontrado'
    ) AS estatus,
    max(fecha_cancelacion) AS fecha_cancelacion,
    min(visto_desde) FILTER (WHERE estatus = 'cancelado') AS cancelacion_vista_desde,
    min(visto_desde) AS visto_desde,
    arg_max(estatus, visto_desde) FILTER (WHERE fuente = 'consulta') AS estado_consulta,
    arg_max_null(es_cancelable, visto_desde) FILTER (WHERE fuente = 'consulta') AS es_cancelable,
    arg_max_null(estatus_cancelacion, visto_desde) FILTER (WHERE fuente = 'consulta') AS estatus_cancelacion,
    arg_max_null(validacion_efos, visto_desde) FILTER (WHERE fuente = 'consulta') AS validacion_efos,
    max(visto_desde) FILTER (WHERE fuente = 'consulta') AS consultado_en
FROM estatus_historial
GROUP BY uuid
