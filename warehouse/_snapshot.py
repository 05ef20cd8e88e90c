"""Snapshot tables: unpartitioned copies of state kept outside the warehouse (the request ledger), replaced
whole so that readers of the published copy see it as of the last publish."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse._catalog import Catalog
from warehouse._ddl import column_list, ident
from warehouse._errors import LoadError

__all__ = ["replace_snapshot"]


class _ArrowStream:
    """A frame as DuckDB scans it through the Arrow C stream interface: registered as a Polars frame,
    DuckDB converts it with pyarrow, an import (~30 MB, 0.3 s) a publish needs for nothing else."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self._frame.__arrow_c_stream__(requested_schema)


def replace_snapshot(con: duckdb.DuckDBPyConnection, catalog: Catalog, name: str, frame: pl.DataFrame) -> int:
    table = next((t for t in catalog.tables if t.name == name), None)
    if table is None or table.partitioned:
        raise LoadError(f"{name} is not a snapshot table of this warehouse")
    table.check(frame)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {ident(name)}")  # noqa: S608
        con.register("_snapshot_rows", _ArrowStream(frame))
        try:
            con.execute(
                f"INSERT INTO {ident(name)} ({column_list(table.names)}) "  # noqa: S608
                f"SELECT {column_list(table.names)} FROM _snapshot_rows"
            )
        finally:
            con.unregister("_snapshot_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return frame.height
