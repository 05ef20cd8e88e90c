-- meaning: The cancellations waiting for the receiver's answer now: documents whose newest answer from
-- SAT's status service (`cfdi-etl status check`) says EstatusCancelacion 'En proceso', one row per UUID
-- for each loaded RFC holding it (issuer: a cancellation it asked for; receiver: one it must accept or
-- reject within 72 hours, or it is cancelled by 'Plazo vencido'). en_proceso_visto_desde is when the
-- service first said so (not when the request was made, which SAT does not tell); monto is the
-- document's total rounded to the cent, in its own currency.
-- example: SELECT rfc, direction, count(*) AS documentos, suma_centavos(monto) AS monto
-- FROM cancelaciones_en_proceso GROUP BY ALL ORDER BY ALL
WITH en_proceso AS (
    SELECT uuid, min(visto_desde) AS en_proceso_visto_desde
    FROM estatus_historial
    WHERE fuente = 'consulta' AND estatus_cancelacion = 'En proceso'
    GROUP BY uuid
)
SELECT
    c.rfc,
    c.direction,
    c.month,
    c.uuid,
    c.rfc_emisor,
    c.nombre_emisor,
    c.rfc_receptor,
    c.nombre_receptor,
    c.efecto_comprobante,
    c.fecha_emision,
    c.monto,
    c.es_cancelable,
    p.en_proceso_visto_desde,
    c.consultado_en
FROM cancelaciones AS c
JOIN en_proceso AS p USING (uuid)
WHERE c.estatus_cancelacion = 'En proceso'
