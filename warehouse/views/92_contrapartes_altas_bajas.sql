-- meaning: New and lost counterparties per loaded RFC, side (tipo 'cliente' or 'proveedor', as in
-- contrapartes_mensual) and loaded month: activas had documents that month, nuevas had none in any earlier
-- month, perdidas had documents the previous calendar month and none this month.
-- example: SELECT rfc, tipo, month, activas, nuevas, perdidas FROM contrapartes_altas_bajas ORDER BY ALL
WITH activas AS (
    SELECT DISTINCT rfc, tipo, month, rfc_contraparte FROM contrapartes_mensual
),
primeras AS (
    SELECT rfc, tipo, rfc_contraparte, min(month) AS primer_mes FROM activas GROUP BY ALL
),
meses AS (
    SELECT rfc, tipo, month, count(*) AS activas FROM activas GROUP BY ALL
),
nuevas AS (
    SELECT rfc, tipo, primer_mes AS month, count(*) AS nuevas FROM primeras GROUP BY ALL
),
perdidas AS (
    SELECT a.rfc, a.tipo, (a.month + INTERVAL 1 MONTH)::DATE AS month, count(*) AS perdidas
    FROM activas AS a
    ANTI JOIN activas AS b
        ON b.rfc = a.rfc AND b.tipo = a.tipo AND b.rfc_contraparte = a.rfc_contraparte
        AND b.month = (a.month + INTERVAL 1 MONTH)::DATE
    GROUP BY ALL
)
SELECT m.rfc, m.tipo, m.month, m.activas, coalesce(n.nuevas, 0) AS nuevas, coalesce(p.perdidas, 0) AS perdidas
FROM meses AS m
LEFT JOIN nuevas AS n USING (rfc, tipo, month)
LEFT JOIN perdidas AS p USING (rfc, tipo, month)
