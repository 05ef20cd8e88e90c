"""Export a table or view to Parquet, hive-partitioned by rfc and month where it has those columns."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from warehouse._ddl import column_list, ident, literal
from warehouse._errors import WarehouseError

__all__ = ["PARTITION_BY", "export"]

PARTITION_BY = ("rfc", "month")


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()
    return [str(r[0]) for r in rows]


def export(con: duckdb.DuckDBPyConnection, name: str, destination: Path) -> Path:
    """Write `name` to `destination/name/` (replacing an earlier export of it); return that folder."""
    columns = _columns(con, name)
    if not columns or name.startswith("_"):
        known = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND NOT starts_with(table_name, '_') UNION SELECT view_name FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal ORDER BY 1"
        ).fetchall()
        raise WarehouseError(f"no table or view {name!r}; exportable: {', '.join(str(r[0]) for r in known)}")
    target = destination / name
    staging = destination / f".{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    by = [c for c in PARTITION_BY if c in columns]
    options = "FORMAT parquet"
    output = staging
    if by:
        options += f", PARTITION_BY ({column_list(by)})"
    else:
        output = staging / f"{name}.parquet"
    try:
        con.execute(f"COPY (SELECT * FROM {ident(name)}) TO {literal(str(output))} ({options})")  # noqa: S608
    except duckdb.Error as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise WarehouseError(f"exporting {name} failed, nothing was replaced: {error}") from None
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
