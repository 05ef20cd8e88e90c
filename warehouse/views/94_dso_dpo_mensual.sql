-- meaning: Days sales outstanding (tipo 'por_cobrar', DSO) and days payables outstanding ('por_pagar',
-- DPO) per loaded RFC and month: saldo_fin_mes_mxn is what the PPD invoices issued (received) up to the
-- month's end still owed then (their total minus the Pagos complements applied with a payment date up to
-- then, at the invoice's exchange rate), facturado_mxn the total of the ingreso invoices of the month (all
-- payment methods), and dias = saldo_fin_mes_mxn / facturado_mxn x days of the month (null without
-- invoices). In MXN rounded to the cent; cancelled and unstamped documents are left out.
-- example: SELECT rfc, tipo, month, saldo_fin_mes_mxn, facturado_mxn, dias FROM dso_dpo_mensual ORDER BY ALL
WITH facturas AS (
    SELECT c.rfc, c.direction, c.uuid, c.month, c.metodo_pago, c.total, c.total_mxn, c.tipo_cambio
    FROM comprobantes AS c
    LEFT JOIN estatus_actual AS s USING (uuid)
    WHERE c.tipo_de_comprobante = 'I' AND s.estatus IS DISTINCT FROM 'cancelado'
        AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
),
pagado AS (
    SELECT
        f.rfc,
        f.direction,
        date_trunc('month', p.fecha_pago)::DATE AS month,
        sum(d.imp_pagado::DECIMAL(38, 6) * coalesce(f.tipo_cambio, 1)) AS pagado_mxn
    FROM pagos_documentos AS d
    JOIN pagos AS p
        ON p.rfc = d.rfc AND p.month = d.month AND p.direction = d.direction
        AND p.uuid = d.uuid AND p.numero_pago = d.numero_pago
    JOIN facturas AS f ON f.rfc = d.rfc AND f.direction = d.direction AND f.uuid = d.id_documento
    LEFT JOIN estatus_actual AS s ON s.uuid = d.uuid
    WHERE f.metodo_pago = 'PPD' AND s.estatus IS DISTINCT FROM 'cancelado'
        AND d.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY ALL
),
facturado AS (
    SELECT
        rfc,
        direction,
        month,
        suma_centavos(total_mxn) AS facturado_mxn,
        coalesce(suma_centavos(CASE WHEN metodo_pago = 'PPD' THEN total_mxn END), 0) AS ppd_mxn
    FROM facturas
    GROUP BY ALL
),
movimientos AS (
    SELECT rfc, direction, month, facturado_mxn, ppd_mxn, 0 AS pagado_mxn FROM facturado
    UNION ALL
    SELECT rfc, direction, month, 0, 0, pagado_mxn FROM pagado
),
mensual AS (
    SELECT rfc, direction, month, sum(facturado_mxn) AS facturado_mxn, sum(ppd_mxn) AS ppd_mxn,
        sum(pagado_mxn) AS pagado_mxn
    FROM movimientos
    GROUP BY ALL
),
acumulado AS (
    SELECT
        *,
        sum(ppd_mxn - pagado_mxn) OVER (PARTITION BY rfc, direction ORDER BY month) AS saldo_fin_mes_mxn
    FROM mensual
)
SELECT
    rfc,
    CASE direction WHEN 'emitidos' THEN 'por_cobrar' ELSE 'por_pagar' END AS tipo,
    month,
    centavos(saldo_fin_mes_mxn) AS saldo_fin_mes_mxn,
    centavos(facturado_mxn) AS facturado_mxn,
    centavos(pagado_mxn) AS pagado_mxn,
    CASE WHEN facturado_mxn > 0
        THEN round(saldo_fin_mes_mxn / facturado_mxn * day(last_day(month)), 1) END::DECIMAL(9, 1) AS dias
FROM acumulado
