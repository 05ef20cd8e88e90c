-- meaning: Counterparties of the loaded RFCs (issuers of received CFDI, receivers of issued ones) that
-- entered a 69-B situation or an Art. 69 list in a version loaded after an earlier one of the same list
-- (listas_historial's altas with a fecha_lista_anterior): one row per loaded RFC, side, counterparty and
-- change. "Newly listed since version X" is WHERE fecha_lista > X; the first version loaded shows no
-- one here (who was already listed then is in riesgo_69b and riesgo_69).
-- example: SELECT rfc, direction, familia, contraparte, situacion, fecha_lista FROM
-- contrapartes_recien_listadas WHERE fecha_lista > DATE '2025-01-01' ORDER BY fecha_lista DESC
SELECT DISTINCT
    c.rfc,
    c.direction,
    h.familia,
    h.rfc AS contraparte,
    h.situacion,
    h.fecha_lista,
    h.fecha_lista_anterior
FROM listas_historial AS h
JOIN (
    SELECT DISTINCT
        rfc,
        direction,
        CASE direction WHEN 'recibidos' THEN rfc_emisor ELSE rfc_receptor END AS contraparte
    FROM comprobantes
) AS c ON c.contraparte = h.rfc
WHERE h.evento = 'alta' AND h.fecha_lista_anterior IS NOT NULL
