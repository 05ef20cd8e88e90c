-- meaning: CFDI and Retenciones loaded without a TimbreFiscalDigital (files never sent to a PAC), one row
-- per document and loaded RFC side. They are kept with a UUID derived from their bytes (reparaciones
-- sin_timbre_uuid_derivado) so that they can be seen here, but they are not fiscal documents: documentos,
-- documentos_con_cancelados and every fiscal view (ingresos_egresos_mensuales, iva_mensual, saldos_ppd,
-- nomina_mensual, retenciones_por_periodo) leave them out, so one beside its stamped original never counts
-- twice. total is in the document's currency, rounded to the cent.
-- example: SELECT documento, rfc, direction, month, uuid, source FROM documentos_sin_timbre ORDER BY ALL
SELECT
    'cfdi' AS documento, rfc, month, direction, uuid, fecha, rfc_emisor, rfc_receptor, centavos(total) AS total,
    source
FROM comprobantes
WHERE list_contains(reparaciones, 'sin_timbre_uuid_derivado')
UNION ALL
SELECT
    'retenciones', rfc, month, direction, uuid, fecha_exp, rfc_emisor, rfc_receptor,
    centavos(monto_tot_operacion), source
FROM retenciones
WHERE list_contains(reparaciones, 'sin_timbre_uuid_derivado')
