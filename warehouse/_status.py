"""SAT's status service in the warehouse: which documents to ask about, and recording its answers.

Answers go into `estatus_historial` with `fuente = 'consulta'`, each with the status the warehouse held
for its UUID just before it (`estatus_anterior`, `estatus_cancelacion_anterior`), so a change (a booked
vigente invoice now cancelled, a cancellation now in process) is one query away.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from warehouse._catalog import HISTORY
from warehouse._ddl import column_list, ident

__all__ = ["ANSWER_COLUMNS", "record_status_answers", "status_candidates"]

# What a caller gives per answer; estatus_anterior and fuente are the warehouse's to fill.
ANSWER_COLUMNS = (
    "uuid",
    "estatus",
    "visto_desde",
    "load_id",
    "rfc",
    "direction",
    "es_cancelable",
    "estatus_cancelacion",
    "validacion_efos",
    "codigo_estatus",
)
_PREVIOUS = ("estatus_anterior", "estatus_cancelacion_anterior")

# CFDI of the loaded RFCs, from their XML (exact total and version) or else their metadata; Retenciones
# are not served by the status service, and an unstamped CFDI has no UUID SAT knows.
_CANDIDATES = """
WITH documentos AS (
    SELECT rfc, direction, month, uuid, rfc_emisor, rfc_receptor, total, version, 0 AS fuente
    FROM comprobantes
    WHERE uuid NOT IN (SELECT uuid FROM documentos_sin_timbre)
    UNION ALL
    SELECT rfc, direction, month, uuid, rfc_emisor, rfc_receptor, monto AS total, NULL AS version, 1
    FROM metadata
    WHERE efecto_comprobante IS NOT NULL
)
SELECT d.rfc, d.direction, d.month, d.uuid::VARCHAR AS uuid, d.rfc_emisor, d.rfc_receptor, d.total,
    d.version, coalesce(s.estatus = 'cancelado', false) AS cancelado
FROM documentos AS d
LEFT JOIN estatus_actual AS s USING (uuid)
WHERE {where}
QUALIFY row_number() OVER (PARTITION BY d.uuid ORDER BY d.fuente, d.rfc, d.direction) = 1
ORDER BY d.rfc, d.month, d.uuid
"""


def status_candidates(
    con: duckdb.DuckDBPyConnection,
    *,
    rfcs: Sequence[str] = (),
    months: Sequence[date] = (),
    since: date | None = None,
    uuids: Sequence[str] = (),
) -> pl.DataFrame:
    """One row per CFDI matching every filter given (none: all), with `cancelado` when the warehouse
    already knows it cancelled (final at SAT: callers do not ask again)."""
    where = ["true"]
    params: list[object] = []
    if rfcs:
        where.append("d.rfc IN (SELECT unnest(?))")
        params.append(list(rfcs))
    if months:
        where.append("d.month IN (SELECT unnest(?))")
        params.append(list(months))
    if since is not None:
        where.append("d.month >= ?")
        params.append(since)
    if uuids:
        where.append("d.uuid IN (SELECT unnest(?)::UUID)")
        params.append([u.lower() for u in uuids])
    sql = _CANDIDATES.format(where=" AND ".join(where))
    frame: pl.DataFrame = con.sql(sql, params=params).pl()
    return frame


def record_status_answers(con: duckdb.DuckDBPyConnection, answers: pl.DataFrame) -> pl.DataFrame:
    """Add the answers to the history in one transaction; return each with the status held before it."""
    missing = [c for c in ANSWER_COLUMNS if c not in answers.columns]
    if missing:
        raise ValueError(f"status answers lack the columns {missing}")
    history = ident(HISTORY.name)
    columns = (*ANSWER_COLUMNS, *_PREVIOUS, "fuente")
    con.register("_wh_answer_frame", answers.select(ANSWER_COLUMNS))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _wh_answers AS SELECT a.* REPLACE (a.uuid::UUID AS uuid), "
            "s.estatus AS estatus_anterior, s.estatus_cancelacion AS estatus_cancelacion_anterior, "
            "'consulta' AS fuente FROM _wh_answer_frame AS a "
            "LEFT JOIN estatus_actual AS s ON s.uuid = a.uuid::UUID"
        )
        con.execute(
            f"INSERT INTO {history} ({column_list(columns)}) "  # noqa: S608
            f"SELECT {column_list(columns)} FROM _wh_answers"
        )
        recorded: pl.DataFrame = con.sql(
            "SELECT uuid::VARCHAR AS uuid, rfc, direction, estatus_anterior, estatus, "
            "estatus_cancelacion_anterior, estatus_cancelacion FROM _wh_answers"
        ).pl()
        con.execute("DROP TABLE _wh_answers")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_wh_answer_frame")
    return recorded
