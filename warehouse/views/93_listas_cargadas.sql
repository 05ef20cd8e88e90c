-- meaning: SAT's published lists the warehouse holds, one row per family ('69-B', '69'): the newest list
-- date loaded, how many versions (files) were loaded and when the last one was. A family with no row was
-- never loaded, so riesgo_69b or riesgo_69 being empty means "no list", not "no counterparty listed".
-- example: SELECT familia, fecha_lista, versiones FROM listas_cargadas ORDER BY familia
SELECT
    familia,
    max(fecha_lista) AS fecha_lista,
    count(*) AS versiones,
    max(cargado_en) AS ultima_carga
FROM listas_versiones
GROUP BY familia
