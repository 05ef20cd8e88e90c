"""Read-side queries for operations: what each partition holds, and the facts alerts are raised on.

Each returns a Polars frame with the columns its docstring names; they run on any open warehouse, the
published read-only copy included (the `loads` table and the views are published with the data).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse._warehouse import Warehouse

__all__ = [
    "cancelled_after_load",
    "current_list_dates",
    "list_version_loaded",
    "newly_listed_counterparties",
    "partition_loads",
    "status_disagreements",
    "unreconciled",
]


def partition_loads(warehouse: Warehouse, rfc: str | None = None) -> pl.DataFrame:
    """Per rfc and month: `rows` and `rejects` of the latest committed load of each side and dataset,
    `last_load` (UTC), `failed_loads` (failed attempts after that side's and dataset's latest commit)."""
    return warehouse.query(
        """
        WITH ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY rfc, month, direction, dataset, status ORDER BY finished_at DESC
            ) AS recency
            FROM loads WHERE ? IS NULL OR rfc = ?
        ),
        latest AS (SELECT * FROM ranked WHERE status = 'committed' AND recency = 1),
        failed AS (
            SELECT f.rfc, f.month, count(*) AS failed_loads
            FROM loads AS f
            LEFT JOIN latest AS c USING (rfc, month, direction, dataset)
            WHERE f.status = 'failed' AND (c.finished_at IS NULL OR f.finished_at > c.finished_at)
              AND (? IS NULL OR f.rfc = ?)
            GROUP BY ALL
        ),
        committed AS (
            SELECT rfc, month, sum(rows)::BIGINT AS rows, sum(rejects)::BIGINT AS rejects,
                   max(finished_at) AS last_load
            FROM latest GROUP BY ALL
        )
        SELECT rfc, month, coalesce(c.rows, 0)::BIGINT AS rows, coalesce(c.rejects, 0)::BIGINT AS rejects,
               c.last_load, coalesce(f.failed_loads, 0)::BIGINT AS failed_loads
        FROM committed AS c FULL JOIN failed AS f USING (rfc, month)
        ORDER BY rfc, month
        """,
        [rfc, rfc, rfc, rfc],
    )


def cancelled_after_load(warehouse: Warehouse) -> pl.DataFrame:
    """Received documents whose cancellation was first seen after their month was loaded (view
    `cancelaciones`): rfc, month, uuid, rfc_emisor, nombre_emisor, monto (to the cent, as text),
    fecha_cancelacion, cancelacion_vista_desde."""
    return warehouse.query(
        """
        SELECT rfc, month, uuid::VARCHAR AS uuid, rfc_emisor, nombre_emisor,
               centavos(monto)::VARCHAR AS monto, fecha_cancelacion, cancelacion_vista_desde
        FROM cancelaciones
        WHERE direction = 'recibidos' AND cancelado_despues_de_cargar
        ORDER BY rfc, month, uuid
        """
    )


def unreconciled(warehouse: Warehouse) -> pl.DataFrame:
    """Per rfc, month and direction with a difference in view `conciliacion`: missing_xml, missing_metadata,
    and loaded_since (the first committed load of that partition side, UTC)."""
    return warehouse.query(
        """
        WITH first_load AS (
            SELECT rfc, month, direction, min(finished_at) AS loaded_since
            FROM loads WHERE status = 'committed' GROUP BY ALL
        )
        SELECT c.rfc, c.month, c.direction,
               count(*) FILTER (WHERE c.falta = 'xml')::BIGINT AS missing_xml,
               count(*) FILTER (WHERE c.falta = 'metadata')::BIGINT AS missing_metadata,
               f.loaded_since
        FROM conciliacion AS c JOIN first_load AS f USING (rfc, month, direction)
        GROUP BY ALL
        ORDER BY ALL
        """
    )


def newly_listed_counterparties(warehouse: Warehouse) -> pl.DataFrame:
    """Counterparties of the loaded RFCs that entered a 69-B situation or an Art. 69 list in a version
    loaded after an earlier one (view `contrapartes_recien_listadas`), with the documents exchanged:
    rfc, counterparty_rfc, counterparty_name, list_name, situation, documents."""
    return warehouse.query(
        """
        SELECT n.rfc, n.contraparte AS counterparty_rfc,
               max(CASE n.direction WHEN 'recibidos' THEN c.nombre_emisor ELSE c.nombre_receptor END)
                   AS counterparty_name,
               n.familia AS list_name, n.situacion AS situation, count(DISTINCT c.uuid)::BIGINT AS documents
        FROM contrapartes_recien_listadas AS n
        JOIN comprobantes AS c
          ON c.rfc = n.rfc AND c.direction = n.direction
         AND (CASE n.direction WHEN 'recibidos' THEN c.rfc_emisor ELSE c.rfc_receptor END) = n.contraparte
        GROUP BY n.rfc, n.contraparte, n.familia, n.situacion
        ORDER BY ALL
        """
    )


def list_version_loaded(warehouse: Warehouse, sha256: str) -> bool:
    """Whether a SAT list file with these bytes was loaded already (`listas_versiones`)."""
    found = warehouse.query("SELECT count(*) AS n FROM listas_versiones WHERE sha256 = ?", [sha256])
    return bool(found.item())


def current_list_dates(warehouse: Warehouse) -> list[tuple[str, str, date]]:
    """(family, situation or list, date of its current version), for every one loaded."""
    rows = warehouse.query(
        "SELECT familia, s AS situacion, max(fecha_lista) AS fecha_lista "
        "FROM (SELECT familia, fecha_lista, unnest(aplicada) AS s FROM listas_versiones) "
        "GROUP BY ALL ORDER BY ALL"
    ).rows()
    return [(str(f), str(s), d) for f, s, d in rows]


def status_disagreements(warehouse: Warehouse, rfc: str) -> pl.DataFrame:
    """The RFC's documents whose metadata and live status disagree (view `estatus_en_desacuerdo`):
    uuid, estatus_metadata, estatus_consulta."""
    return warehouse.query(
        "SELECT uuid::VARCHAR AS uuid, estatus_metadata, estatus_consulta FROM estatus_en_desacuerdo "
        "WHERE rfc = ? ORDER BY month, uuid",
        [rfc],
    )
