-- meaning: Withholdings (Retenciones e información de pagos) per loaded RFC, side and period
-- (ejercicio, mes_ini-mes_fin) and withholding key (cve_retenc): 'emitidos' are withholdings the RFC
-- made as agent, 'recibidos' those made from it. Operation totals and the tax withheld, in total and per
-- tax (ISR 001, IVA 002, IEPS 003), in MXN, each document rounded to the cent before summing
-- (DECIMAL(18,2)); one document counted once per side, cancelled ones left out.
-- example: SELECT rfc, direction, ejercicio, mes_ini, mes_fin, sum(monto_tot_ret) AS retenido
-- FROM retenciones_por_periodo GROUP BY ALL ORDER BY ALL
WITH documentos AS (
    SELECT DISTINCT ON (r.rfc, r.direction, r.uuid) r.*
    FROM retenciones AS r
    LEFT JOIN estatus_actual AS s ON s.uuid = r.uuid
    WHERE s.estatus IS DISTINCT FROM 'cancelado' AND r.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    ORDER BY r.rfc, r.direction, r.uuid, r.month
),
por_impuesto AS (
    SELECT
        rfc,
        direction,
        uuid,
        sum(monto_ret) FILTER (WHERE impuesto = '001') AS isr,
        sum(monto_ret) FILTER (WHERE impuesto = '002') AS iva,
        sum(monto_ret) FILTER (WHERE impuesto = '003') AS ieps
    FROM (
        SELECT DISTINCT ON (rfc, direction, uuid, numero) *
        FROM retenciones_impuestos
        ORDER BY rfc, direction, uuid, numero, month
    )
    GROUP BY rfc, direction, uuid
)
SELECT
    d.rfc,
    d.direction,
    d.ejercicio,
    d.mes_ini,
    d.mes_fin,
    d.cve_retenc,
    count(*) AS documentos,
    coalesce(suma_centavos(d.monto_tot_operacion), 0) AS monto_tot_operacion,
    coalesce(suma_centavos(d.monto_tot_grav), 0) AS monto_tot_grav,
    coalesce(suma_centavos(d.monto_tot_exent), 0) AS monto_tot_exent,
    coalesce(suma_centavos(d.monto_tot_ret), 0) AS monto_tot_ret,
    coalesce(suma_centavos(i.isr), 0) AS isr_retenido,
    coalesce(suma_centavos(i.iva), 0) AS iva_retenido,
    coalesce(suma_centavos(i.ieps), 0) AS ieps_retenido
FROM documentos AS d
LEFT JOIN por_impuesto AS i ON i.rfc = d.rfc AND i.direction = d.direction AND i.uuid = d.uuid
GROUP BY d.rfc, d.direction, d.ejercicio, d.mes_ini, d.mes_fin, d.cve_retenc
