"""The summary tables (schemas/agregados.py): recomputed at publish for the RFCs touched, read by the copy.

In the warehouse file every view keeps computing from the tables, so a query right after a load is
exact. At publish the summary tables are brought up to date, in one transaction, for each RFC that a
load or status check not yet reflected touched: the RFC loaded, and every RFC holding a document whose
status or content such a load or check wrote (a metadata load of one RFC can cancel a document another
RFC issued); a new version of one of SAT's lists touches every RFC (the risk views); estatus_actual is
kept per UUID, for the UUIDs whose history changed. Per RFC because the stored views' figures need all
of an RFC's months (new and lost counterparties, PPD balances, month-on-month variations). Each table
keeps its own list of what it reflects (agregados_reflejados), so a table a new release adds is filled
whole at the next publish. Then, in the published copy only, each stored view reads its table, so
readers add up a few thousand rows instead of every document.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb

from schemas import Table
from schemas.agregados import AGREGADOS_REFLEJADOS, PREFIJO
from warehouse._catalog import Catalog, View
from warehouse._ddl import column_list, ident, literal, stored_columns

__all__ = ["Recomputed", "point_views_at_summaries", "recompute_summaries", "stored_views"]

# The tables that hold documents by UUID: a status or document written for a UUID touches every RFC
# holding it.
_HOLDERS = ("comprobantes", "metadata", "retenciones")
# How a SAT list file (listas_versiones, by its sha256) is listed among what the summaries reflect.
_LISTA = "lista:"


@dataclass(frozen=True, slots=True)
class Recomputed:
    """What one recompute did: the RFCs whose rows it replaced, and how long it took."""

    rfcs: tuple[str, ...]
    seconds: float


def stored_views(catalog: Catalog) -> tuple[tuple[View, Table], ...]:
    """The views with a summary table in the catalog, with that table, in creation order."""
    tables = {t.name: t for t in catalog.tables}
    return tuple((v, tables[PREFIJO + v.name]) for v in catalog.views if PREFIJO + v.name in tables)


def _touched(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """The RFCs touched by what some of `tables` do not reflect yet; temp tables _agregados_nuevos (those
    load ids and list files) and _agregados_uuids (the UUIDs whose status history they wrote)."""
    reflected = ident(AGREGADOS_REFLEJADOS.name)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _agregados_nuevos AS "  # noqa: S608
        "SELECT DISTINCT i.load_id FROM (SELECT load_id FROM loads "
        "UNION SELECT load_id FROM estatus_historial "
        f"UNION SELECT '{_LISTA}' || sha256 FROM listas_versiones) AS i "
        "CROSS JOIN (SELECT unnest(?) AS tabla) AS t "
        f"ANTI JOIN {reflected} AS r ON r.load_id = i.load_id AND r.tabla = t.tabla",
        [tables],
    )
    nuevos = "SELECT load_id FROM _agregados_nuevos"
    uuids = " UNION ".join(
        f"SELECT uuid FROM {ident(t)} WHERE load_id IN ({nuevos})"  # noqa: S608
        for t in ("estatus_historial", *_HOLDERS)
    )
    holders = " UNION ".join(
        f"SELECT rfc FROM {ident(t)} WHERE uuid IN (SELECT uuid FROM u)"  # noqa: S608
        for t in _HOLDERS
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _agregados_uuids AS SELECT DISTINCT uuid FROM estatus_historial "  # noqa: S608
        f"WHERE load_id IN ({nuevos})"
    )
    rows = con.execute(
        f"WITH u AS ({uuids}) "  # noqa: S608
        f"SELECT rfc FROM loads WHERE load_id IN ({nuevos}) "
        f"UNION SELECT rfc FROM estatus_historial WHERE load_id IN ({nuevos}) UNION {holders} "
        # A new version of a SAT list changes the risk views of every RFC.
        "UNION SELECT rfc FROM loads WHERE EXISTS "
        f"(SELECT 1 FROM _agregados_nuevos WHERE starts_with(load_id, '{_LISTA}'))"
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def _uuids_touched(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the status history of any UUID changed (what a per-UUID table must recompute)."""
    row = con.execute("SELECT count(*) FROM _agregados_uuids").fetchone()
    return bool(row and row[0])


def recompute_summaries(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> Recomputed:
    """Replace the touched RFCs' (or UUIDs') rows of every summary table with what its view computes now."""
    start = time.perf_counter()
    if AGREGADOS_REFLEJADOS not in catalog.tables:
        return Recomputed((), 0.0)  # a catalog without summary tables (tests' own) has nothing to keep
    views = stored_views(catalog)
    shadowed: list[str] = []
    con.execute("BEGIN TRANSACTION")
    try:
        # Once for every table: a table that already reflects some of these (one a release added later
        # does not) recomputes a few RFCs more, never fewer.
        rfcs = _touched(con, [table.name for _, table in views])
        uuids = _uuids_touched(con)
        for view, table in views if rfcs else ():
            per_rfc = table.key[0] == "rfc"
            # Nothing touched, nothing computed: the view would add up every document to select no row.
            if per_rfc or uuids:
                chosen = (
                    "rfc IN (SELECT unnest(?))" if per_rfc else "uuid IN (SELECT uuid FROM _agregados_uuids)"
                )
                params: list[object] = [rfcs] if per_rfc else []
                name, names = ident(table.name), column_list([c.name for c in stored_columns(table)])
                con.execute(f"DELETE FROM {name} WHERE {chosen}", params)  # noqa: S608
                con.execute(
                    f"INSERT INTO {name} ({names}) SELECT {names} FROM ({view.sql}) WHERE {chosen}",  # noqa: S608
                    params,
                )
            # The table now holds the view's rows for every RFC: the views recomputed after it read it
            # (a temporary view of the same name shadows the computing one) instead of computing it again.
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {ident(view.name)} AS SELECT * FROM {ident(table.name)}"  # noqa: S608
            )
            shadowed.append(view.name)
        reflected = ident(AGREGADOS_REFLEJADOS.name)
        con.execute(f"DELETE FROM {reflected} WHERE load_id IN (SELECT load_id FROM _agregados_nuevos)")  # noqa: S608
        con.execute(
            f"INSERT INTO {reflected} (tabla, load_id) SELECT t.tabla, n.load_id "  # noqa: S608
            "FROM _agregados_nuevos AS n CROSS JOIN (SELECT unnest(?) AS tabla) AS t",
            [[table.name for _, table in views]],
        )
        con.execute("DROP TABLE IF EXISTS _agregados_nuevos")
        con.execute("DROP TABLE IF EXISTS _agregados_uuids")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in shadowed:
            con.execute(f"DROP VIEW IF EXISTS temp.main.{ident(name)}")
    return Recomputed(tuple(rfcs), time.perf_counter() - start)


def point_views_at_summaries(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """In the published copy: each stored view selects its summary table's rows (same columns, order)."""
    for view, table in stored_views(catalog):
        names = column_list([c.name for c in stored_columns(table)])
        con.execute(f"CREATE OR REPLACE VIEW {ident(view.name)} AS SELECT {names} FROM {ident(table.name)}")  # noqa: S608
        con.execute(f"COMMENT ON VIEW {ident(view.name)} IS {literal(view.meaning)}")
