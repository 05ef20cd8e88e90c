-- meaning: Clients and suppliers per loaded RFC and month of emission: for tipo 'cliente' the receivers of
-- the documents the RFC issued, for 'proveedor' the issuers of those it received; per counterparty and
-- currency, the ingreso (I) and egreso (E, subtracting) documents and their importe (SubTotal - Descuento,
-- before taxes) in moneda and in MXN, each rounded to the cent per document. Cancelled and unstamped
-- documents are left out; the same basis as ingresos_egresos_mensuales.
-- example: SELECT rfc_contraparte, any_value(nombre_contraparte) AS nombre, sum(importe_mxn) AS importe_mxn
-- FROM contrapartes_mensual WHERE tipo = 'cliente' GROUP BY ALL ORDER BY importe_mxn DESC LIMIT 10
WITH documentos AS (
    SELECT
        c.rfc,
        c.month,
        CASE c.direction WHEN 'emitidos' THEN 'cliente' ELSE 'proveedor' END AS tipo,
        CASE c.direction WHEN 'emitidos' THEN c.rfc_receptor ELSE c.rfc_emisor END AS rfc_contraparte,
        CASE c.direction WHEN 'emitidos' THEN c.nombre_receptor ELSE c.nombre_emisor END AS nombre_contraparte,
        c.moneda,
        CASE c.tipo_de_comprobante WHEN 'E' THEN -1 ELSE 1 END AS signo,
        c.sub_total - coalesce(c.descuento, 0) AS importe,
        c.sub_total_mxn - coalesce(c.descuento_mxn, 0) AS importe_mxn
    FROM comprobantes AS c
    LEFT JOIN estatus_actual AS s USING (uuid)
    WHERE c.tipo_de_comprobante IN ('I', 'E') AND s.estatus IS DISTINCT FROM 'cancelado'
        AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
)
SELECT
    rfc,
    tipo,
    month,
    rfc_contraparte,
    any_value(nombre_contraparte) AS nombre_contraparte,
    moneda,
    count(*) AS documentos,
    suma_centavos(signo * importe) AS importe,
    suma_centavos(signo * importe_mxn) AS importe_mxn
FROM documentos
GROUP BY rfc, tipo, month, rfc_contraparte, moneda
