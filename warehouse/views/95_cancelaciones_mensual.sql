-- meaning: Cancelled documents per loaded RFC and month, counted twice over: segun 'emision' by the month
-- they were issued, 'cancelacion' by the month SAT cancelled them; with their metadata Monto rounded to the
-- cent per document, and how many were cancelled after their month's statuses were first loaded
-- (despues_de_cargar, i.e. after figures for that month may have been closed). From cancelaciones.
-- example: SELECT rfc, segun, month, documentos, monto, despues_de_cargar FROM cancelaciones_mensual
-- ORDER BY ALL
SELECT rfc, 'emision' AS segun, month, count(*) AS documentos, coalesce(suma_centavos(monto), 0) AS monto,
    count(*) FILTER (WHERE cancelado_despues_de_cargar) AS despues_de_cargar
FROM cancelaciones
GROUP BY rfc, month
UNION ALL
SELECT rfc, 'cancelacion', date_trunc('month', fecha_cancelacion)::DATE, count(*),
    coalesce(suma_centavos(monto), 0), count(*) FILTER (WHERE cancelado_despues_de_cargar)
FROM cancelaciones
WHERE fecha_cancelacion IS NOT NULL
GROUP BY rfc, date_trunc('month', fecha_cancelacion)::DATE
