-- meaning: VAT (IVA, tax 002) per loaded RFC and month, in MXN, on both bases. Accrual (devengado):
-- the document-level IVA of ingreso invoices minus credit notes, in their month of emission. Cash basis
-- (flujo): the IVA of PUE invoices and credit notes in their month of emission plus the IVA of payments
-- (Pagos complements, per payment, converted with TipoCambioP) in the month of the payment date.
-- 'trasladado' is IVA charged (issued: payable; received: creditable), 'retenido' is IVA withheld.
-- Cancelled documents and payments are left out. Each document's (or payment receipt's) IVA is rounded to
-- the cent in MXN before summing (DECIMAL(18,2)).
-- example: SELECT rfc, month, direction, iva_trasladado_devengado_mxn, iva_trasladado_flujo_mxn
-- FROM iva_mensual ORDER BY ALL
WITH documentos AS (
    -- DuckDB types DECIMAL(18,6) x DECIMAL(18,6) as DECIMAL(18,12), overflowing past a million: widen first.
    SELECT
        c.rfc,
        c.month,
        c.direction,
        c.uuid,
        c.metodo_pago,
        i.tipo,
        centavos(sum(
            CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END
                * i.importe::DECIMAL(38, 6) * coalesce(c.tipo_cambio, 1)
        )) AS iva_mxn
    FROM comprobantes AS c
    JOIN impuestos AS i
        ON i.rfc = c.rfc AND i.month = c.month AND i.direction = c.direction AND i.uuid = c.uuid
    LEFT JOIN estatus_actual AS s ON s.uuid = c.uuid
    WHERE c.tipo_de_comprobante IN ('I', 'E') AND i.nivel = 'comprobante' AND i.impuesto = '002'
        AND s.estatus IS DISTINCT FROM 'cancelado' AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY c.rfc, c.month, c.direction, c.uuid, c.metodo_pago, i.tipo
),
pagos_iva AS (
    SELECT
        p.rfc,
        date_trunc('month', p.fecha_pago)::DATE AS month,
        p.direction,
        p.uuid,
        t.tipo,
        centavos(sum(t.importe::DECIMAL(38, 6) * coalesce(p.tipo_cambio_p, 1))) AS iva_mxn
    FROM pagos AS p
    JOIN pagos_impuestos AS t
        ON t.rfc = p.rfc AND t.month = p.month AND t.direction = p.direction
        AND t.uuid = p.uuid AND t.numero_pago = p.numero_pago
    LEFT JOIN estatus_actual AS s ON s.uuid = p.uuid
    WHERE t.nivel = 'pago' AND t.impuesto = '002' AND s.estatus IS DISTINCT FROM 'cancelado'
        AND p.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY p.rfc, date_trunc('month', p.fecha_pago)::DATE, p.direction, p.uuid, t.tipo
),
movimientos AS (
    SELECT rfc, month, direction, tipo, iva_mxn AS devengado, NULL AS flujo FROM documentos
    UNION ALL
    SELECT rfc, month, direction, tipo, NULL, iva_mxn FROM documentos WHERE metodo_pago = 'PUE'
    UNION ALL
    SELECT rfc, month, direction, tipo, NULL, iva_mxn FROM pagos_iva
)
SELECT
    rfc,
    month,
    direction,
    coalesce(suma_centavos(CASE WHEN tipo = 'traslado' THEN devengado END), 0) AS iva_trasladado_devengado_mxn,
    coalesce(suma_centavos(CASE WHEN tipo = 'retencion' THEN devengado END), 0) AS iva_retenido_devengado_mxn,
    coalesce(suma_centavos(CASE WHEN tipo = 'traslado' THEN flujo END), 0) AS iva_trasladado_flujo_mxn,
    coalesce(suma_centavos(CASE WHEN tipo = 'retencion' THEN flujo END), 0) AS iva_retenido_flujo_mxn
FROM movimientos
GROUP BY rfc, month, direction
