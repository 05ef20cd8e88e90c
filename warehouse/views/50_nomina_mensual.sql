-- meaning: Payroll per loaded RFC, month of the pay date and employee (by RFC and CURP of the
-- receiver), from the Nómina complements of N documents: earnings, deductions, other payments
-- (e.g. employment subsidy), ISR withheld and net pay, in MXN. 'emitidos' is the RFC as employer,
-- 'recibidos' as employee. Cancelled payroll receipts are left out. Each receipt's amounts are rounded to
-- the cent before summing (DECIMAL(18,2)).
-- example: SELECT rfc, month, count(*) AS empleados, sum(neto) AS neto
-- FROM nomina_mensual WHERE direction = 'emitidos' GROUP BY ALL ORDER BY ALL
SELECT
    c.rfc,
    c.direction,
    date_trunc('month', coalesce(n.fecha_pago, c.fecha))::DATE AS month,
    c.rfc_receptor AS rfc_empleado,
    n.curp,
    any_value(c.nombre_receptor) AS nombre_empleado,
    any_value(n.num_empleado) AS num_empleado,
    any_value(n.departamento) AS departamento,
    any_value(n.puesto) AS puesto,
    count(DISTINCT c.uuid) AS recibos,
    coalesce(suma_centavos(n.total_percepciones), 0) AS percepciones,
    coalesce(suma_centavos(n.total_gravado), 0) AS percepciones_gravadas,
    coalesce(suma_centavos(n.total_exento), 0) AS percepciones_exentas,
    coalesce(suma_centavos(n.total_deducciones), 0) AS deducciones,
    coalesce(suma_centavos(n.total_otros_pagos), 0) AS otros_pagos,
    coalesce(suma_centavos(n.total_impuestos_retenidos), 0) AS isr_retenido,
    coalesce(suma_centavos(l.subsidio_causado), 0) AS subsidio_causado,
    coalesce(suma_centavos(
        coalesce(centavos(n.total_percepciones), 0) + coalesce(centavos(n.total_otros_pagos), 0)
            - coalesce(centavos(n.total_deducciones), 0)
    ), 0) AS neto
FROM comprobantes AS c
JOIN nominas AS n ON n.rfc = c.rfc AND n.month = c.month AND n.direction = c.direction AND n.uuid = c.uuid
LEFT JOIN (
    SELECT rfc, month, direction, uuid, nomina_numero, sum(subsidio_causado) AS subsidio_causado
    FROM nomina_lineas
    WHERE tipo_linea = 'otro_pago'
    GROUP BY ALL
) AS l ON l.rfc = n.rfc AND l.month = n.month AND l.direction = n.direction AND l.uuid = n.uuid
    AND l.nomina_numero = n.numero
LEFT JOIN estatus_actual AS s ON s.uuid = c.uuid
WHERE s.estatus IS DISTINCT FROM 'cancelado' AND c.uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
GROUP BY c.rfc, c.direction, date_trunc('month', coalesce(n.fecha_pago, c.fecha))::DATE, c.rfc_receptor, n.curp
