-- meaning: Documents whose metadata and SAT's live status service disagree, one row per UUID for each
-- loaded RFC whose metadata lists it: metadata's newest word (estatus_metadata: vigente or cancelado)
-- against the service's newest answer (estatus_consulta: vigente, cancelado or no_encontrado), with
-- when each was seen. A document cancelled after its month's metadata was last downloaded shows here
-- until the metadata is asked again; one SAT says it cannot find, or one metadata says cancelled and the
-- service says vigente, deserves a look.
-- example: SELECT rfc, estatus_metadata, estatus_consulta, count(*) AS documentos
-- FROM estatus_en_desacuerdo GROUP BY ALL ORDER BY ALL
WITH por_fuente AS (
    SELECT
        uuid,
        arg_max(estatus, visto_desde) FILTER (WHERE fuente IS DISTINCT FROM 'consulta') AS estatus_metadata,
        max(visto_desde) FILTER (WHERE fuente IS DISTINCT FROM 'consulta') AS metadata_vista_desde,
        arg_max(estatus, visto_desde) FILTER (WHERE fuente = 'consulta') AS estatus_consulta,
        max(visto_desde) FILTER (WHERE fuente = 'consulta') AS consultado_en
    FROM estatus_historial
    GROUP BY uuid
)
SELECT m.rfc, m.direction, m.month, m.uuid, m.rfc_emisor, m.rfc_receptor, p.estatus_metadata,
    p.metadata_vista_desde, p.estatus_consulta, p.consultado_en
FROM por_fuente AS p
JOIN metadata AS m USING (uuid)
WHERE p.estatus_metadata <> p.estatus_consulta
QUALIFY row_number() OVER (PARTITION BY m.rfc, m.uuid ORDER BY m.direction, m.month) = 1
