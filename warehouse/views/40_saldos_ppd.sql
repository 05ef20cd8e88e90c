-- meaning: Open balances of PPD invoices (paid later, with payment receipts), per loaded RFC:
-- 'por_cobrar' for invoices it issued, 'por_pagar' for invoices it received. saldo is the invoice total
-- minus what its payment receipts (Pagos DoctoRelacionado ImpPagado, from receipts of the same RFC and
-- side, cancelled ones left out) applied to it, in the invoice's currency and in MXN at the invoice's
-- exchange rate. ultimo_saldo_insoluto is the ImpSaldoInsoluto of the latest instalment, as a check:
-- saldo_cuadra says whether both agree. Only invoices with something still open are listed. Amounts are
-- rounded to the cent (DECIMAL(18,2)); saldo_cuadra compares SAT's exact values.
-- example: SELECT rfc, tipo, count(*) AS facturas, sum(saldo_mxn) AS saldo_mxn
-- FROM saldos_ppd GROUP BY ALL ORDER BY ALL
WITH aplicados AS (
    SELECT
        d.rfc,
        d.direction,
        d.id_documento AS uuid,
        sum(d.imp_pagado) AS pagado,
        count(*) AS pagos,
        max(p.fecha_pago) AS ultima_fecha_pago,
        arg_max(d.imp_saldo_insoluto, (d.num_parcialidad, p.fecha_pago)) AS ultimo_saldo_insoluto
    FROM pagos_documentos AS d
    JOIN pagos AS p
        ON p.rfc = d.rfc AND p.month = d.month AND p.direction = d.direction
        AND p.uuid = d.uuid AND p.numero_pago = d.numero_pago
    LEFT JOIN estatus_actual AS s ON s.uuid = d.uuid
    WHERE s.estatus IS DISTINCT FROM 'cancelado' AND d.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY d.rfc, d.direction, d.id_documento
)
SELECT
    c.rfc,
    CASE c.direction WHEN 'emitidos' THEN 'por_cobrar' ELSE 'por_pagar' END AS tipo,
    c.uuid,
    c.serie,
    c.folio,
    c.fecha,
    c.month,
    CASE c.direction WHEN 'emitidos' THEN c.rfc_receptor ELSE c.rfc_emisor END AS rfc_contraparte,
    CASE c.direction WHEN 'emitidos' THEN c.nombre_receptor ELSE c.nombre_emisor END AS nombre_contraparte,
    c.moneda,
    centavos(c.total) AS total,
    centavos(coalesce(a.pagado, 0)) AS pagado,
    centavos(c.total - coalesce(a.pagado, 0)) AS saldo,
    centavos((c.total - coalesce(a.pagado, 0))::DECIMAL(38, 6) * coalesce(c.tipo_cambio, 1)) AS saldo_mxn,
    coalesce(a.pagos, 0) AS pagos,
    a.ultima_fecha_pago,
    centavos(a.ultimo_saldo_insoluto) AS ultimo_saldo_insoluto,
    a.ultimo_saldo_insoluto IS NULL OR a.ultimo_saldo_insoluto = c.total - a.pagado AS saldo_cuadra
FROM comprobantes AS c
LEFT JOIN aplicados AS a ON a.rfc = c.rfc AND a.direction = c.direction AND a.uuid = c.uuid
LEFT JOIN estatus_actual AS s ON s.uuid = c.uuid
WHERE c.tipo_de_comprobante = 'I' AND c.metodo_pago = 'PPD' AND s.estatus IS DISTINCT FROM 'cancelado'
    AND c.total - coalesce(a.pagado, 0) <> 0 AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
