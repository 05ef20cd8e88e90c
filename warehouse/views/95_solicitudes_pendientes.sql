-- meaning: SAT requests not finished yet (estado 'planned' or 'submitted') in the request ledger as of its
-- last copy into the warehouse (solicitudes_sat, taken at each publish): how long they have waited in hours
-- (edad_horas, from when SAT accepted them, or from when they were recorded) and atascada when that is over
-- 72 hours, the age after which the pipeline reports a request as stuck.
-- example: SELECT rfc, month, servicio, direction, tipo_solicitud, estado, edad_horas, atascada
-- FROM solicitudes_pendientes ORDER BY edad_horas DESC
SELECT
    rfc,
    month,
    servicio,
    direction,
    tipo_solicitud,
    estado,
    id_solicitud,
    creada,
    enviada,
    instantanea,
    date_diff('hour', coalesce(enviada, creada), instantanea) AS edad_horas,
    date_diff('hour', coalesce(enviada, creada), instantanea) > 72 AS atascada
FROM solicitudes_sat
WHERE estado IN ('planned', 'submitted')
