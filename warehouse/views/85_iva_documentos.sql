-- meaning: The documents behind iva_mensual's figures, for the dashboard's IVA page and for audit: one row
-- per document (base 'devengado': ingreso invoices and credit notes in their month of emission; base
-- 'flujo': PUE invoices and credit notes in their month of emission, origen 'factura') and per payment of a
-- Pagos complement (base 'flujo', origen 'pago', in the month of its payment date), with the IVA (tax 002)
-- trasladado and retenido in MXN rounded to the cent per document (credit notes negative), and in the
-- document's own currency (moneda; a payment's MonedaP) for reading beside the invoice. Cancelled and
-- unstamped documents are left out. resumen_mensual sums this view.
-- example: SELECT rfc, month, direction, base, suma_centavos(iva_trasladado_mxn) AS iva_trasladado_mxn
-- FROM iva_documentos GROUP BY ALL ORDER BY ALL
WITH impuestos_documento AS (
    -- DuckDB types DECIMAL(18,6) x DECIMAL(18,6) as DECIMAL(18,12), overflowing past a million: widen first.
    SELECT
        c.rfc,
        c.month,
        c.direction,
        c.uuid,
        any_value(c.fecha) AS fecha,
        any_value(c.metodo_pago) AS metodo_pago,
        any_value(c.moneda) AS moneda,
        any_value(CASE c.direction WHEN 'emitidos' THEN c.rfc_receptor ELSE c.rfc_emisor END) AS rfc_contraparte,
        coalesce(sum(
            CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END
                * i.importe::DECIMAL(38, 6) * coalesce(c.tipo_cambio, 1)
        ) FILTER (WHERE i.tipo = 'traslado'), 0) AS trasladado,
        coalesce(sum(
            CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END
                * i.importe::DECIMAL(38, 6) * coalesce(c.tipo_cambio, 1)
        ) FILTER (WHERE i.tipo = 'retencion'), 0) AS retenido,
        coalesce(sum(CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END * i.importe)
            FILTER (WHERE i.tipo = 'traslado'), 0) AS trasladado_original,
        coalesce(sum(CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END * i.importe)
            FILTER (WHERE i.tipo = 'retencion'), 0) AS retenido_original
    FROM comprobantes AS c
    JOIN impuestos AS i
        ON i.rfc = c.rfc AND i.month = c.month AND i.direction = c.direction AND i.uuid = c.uuid
    LEFT JOIN estatus_actual AS s ON s.uuid = c.uuid
    WHERE c.tipo_de_comprobante IN ('I', 'E') AND i.nivel = 'comprobante' AND i.impuesto = '002'
        AND s.estatus IS DISTINCT FROM 'cancelado' AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY c.rfc, c.month, c.direction, c.uuid
),
impuestos_pago AS (
    SELECT
        p.rfc,
        date_trunc('month', p.fecha_pago)::DATE AS month,
        p.direction,
        p.uuid,
        p.numero_pago,
        any_value(p.fecha_pago) AS fecha,
        any_value(CASE p.direction WHEN 'emitidos' THEN c.rfc_receptor ELSE c.rfc_emisor END) AS rfc_contraparte,
        any_value(p.moneda_p) AS moneda,
        coalesce(sum(t.importe::DECIMAL(38, 6) * coalesce(p.tipo_cambio_p, 1))
            FILTER (WHERE t.tipo = 'traslado'), 0) AS trasladado,
        coalesce(sum(t.importe::DECIMAL(38, 6) * coalesce(p.tipo_cambio_p, 1))
            FILTER (WHERE t.tipo = 'retencion'), 0) AS retenido,
        coalesce(sum(t.importe) FILTER (WHERE t.tipo = 'traslado'), 0) AS trasladado_original,
        coalesce(sum(t.importe) FILTER (WHERE t.tipo = 'retencion'), 0) AS retenido_original
    FROM pagos AS p
    JOIN pagos_impuestos AS t
        ON t.rfc = p.rfc AND t.month = p.month AND t.direction = p.direction
        AND t.uuid = p.uuid AND t.numero_pago = p.numero_pago
    LEFT JOIN comprobantes AS c ON c.rfc = p.rfc AND c.month = p.month AND c.direction = p.direction AND c.uuid = p.uuid
    LEFT JOIN estatus_actual AS s ON s.uuid = p.uuid
    WHERE t.nivel = 'pago' AND t.impuesto = '002' AND s.estatus IS DISTINCT FROM 'cancelado'
        AND p.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    GROUP BY p.rfc, date_trunc('month', p.fecha_pago)::DATE, p.direction, p.uuid, p.numero_pago
)
SELECT
    rfc, month, direction, 'devengado' AS base, 'factura' AS origen, uuid, NULL::BIGINT AS numero_pago, fecha,
    metodo_pago, rfc_contraparte, centavos(trasladado) AS iva_trasladado_mxn, centavos(retenido) AS iva_retenido_mxn,
    moneda, centavos(trasladado_original) AS iva_trasladado, centavos(retenido_original) AS iva_retenido
FROM impuestos_documento
UNION ALL
SELECT
    rfc, month, direction, 'flujo', 'factura', uuid, NULL, fecha, metodo_pago, rfc_contraparte,
    centavos(trasladado), centavos(retenido), moneda, centavos(trasladado_original), centavos(retenido_original)
FROM impuestos_documento
WHERE metodo_pago = 'PUE'
UNION ALL
SELECT
    rfc, month, direction, 'flujo', 'pago', uuid, numero_pago, fecha, NULL, rfc_contraparte,
    centavos(trasladado), centavos(retenido), moneda, centavos(trasladado_original), centavos(retenido_original)
FROM impuestos_pago
