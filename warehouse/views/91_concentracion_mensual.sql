-- meaning: How concentrated each loaded RFC's clients ('cliente') and suppliers ('proveedor') are, per
-- month: the importe in MXN (contrapartes_mensual, all currencies) of all counterparties, of the largest
-- one, of the five and the ten largest, and their shares of the total (0 to 1, four decimals; null when the
-- month's total is not positive).
-- example: SELECT rfc, tipo, month, contrapartes, participacion_top1, participacion_top5
-- FROM concentracion_mensual ORDER BY ALL
WITH por_contraparte AS (
    SELECT rfc, tipo, month, rfc_contraparte, sum(importe_mxn) AS importe_mxn
    FROM contrapartes_mensual
    GROUP BY rfc, tipo, month, rfc_contraparte
),
ordenadas AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY rfc, tipo, month ORDER BY importe_mxn DESC, rfc_contraparte) AS lugar
    FROM por_contraparte
),
mensual AS (
    SELECT
        rfc,
        tipo,
        month,
        count(*) AS contrapartes,
        sum(importe_mxn)::DECIMAL(18, 2) AS total_mxn,
        coalesce(sum(importe_mxn) FILTER (WHERE lugar <= 1), 0)::DECIMAL(18, 2) AS top1_mxn,
        coalesce(sum(importe_mxn) FILTER (WHERE lugar <= 5), 0)::DECIMAL(18, 2) AS top5_mxn,
        coalesce(sum(importe_mxn) FILTER (WHERE lugar <= 10), 0)::DECIMAL(18, 2) AS top10_mxn
    FROM ordenadas
    GROUP BY rfc, tipo, month
)
SELECT
    *,
    CASE WHEN total_mxn > 0 THEN round(top1_mxn / total_mxn, 4) END::DECIMAL(7, 4) AS participacion_top1,
    CASE WHEN total_mxn > 0 THEN round(top5_mxn / total_mxn, 4) END::DECIMAL(7, 4) AS participacion_top5,
    CASE WHEN total_mxn > 0 THEN round(top10_mxn / total_mxn, 4) END::DECIMAL(7, 4) AS participacion_top10
FROM mensual
