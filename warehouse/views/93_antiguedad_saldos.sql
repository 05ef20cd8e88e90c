-- meaning: The open PPD invoices of saldos_ppd aged as of today: dias since emission and the ageing bucket
-- (tramo '0-30', '31-60', '61-90' or 'más de 90' days), with the open balance in moneda and in MXN
-- rounded to the cent. tipo 'por_cobrar' (issued) or 'por_pagar' (received).
-- example: SELECT rfc, tipo, tramo, count(*) AS facturas, sum(saldo_mxn) AS saldo_mxn
-- FROM antiguedad_saldos GROUP BY ALL ORDER BY ALL
WITH abiertas AS (
    SELECT *, date_diff('day', fecha::DATE, current_date) AS dias FROM saldos_ppd
)
SELECT
    rfc,
    tipo,
    uuid,
    serie,
    folio,
    fecha,
    month,
    rfc_contraparte,
    nombre_contraparte,
    moneda,
    centavos(total) AS total,
    centavos(saldo) AS saldo,
    centavos(saldo_mxn) AS saldo_mxn,
    dias,
    CASE
        WHEN dias <= 30 THEN '0-30'
        WHEN dias <= 60 THEN '31-60'
        WHEN dias <= 90 THEN '61-90'
        ELSE 'más de 90'
    END AS tramo
FROM abiertas
