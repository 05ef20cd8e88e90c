"""Publish a read-only copy of the warehouse beside it, atomically, for dashboards and notebooks.

Readers open the copy, never the file a load writes to, so they never take DuckDB's lock from a load and
a load never changes a file under a reader: the new copy replaces the old one by rename, and a reader
that has the old one open keeps reading it until it reopens.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from warehouse._agregados import point_views_at_summaries, recompute_summaries
from warehouse._catalog import Catalog
from warehouse._errors import WarehouseError
from warehouse._migrate import check_compatible

__all__ = ["publish"]


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read_summaries(staging: Path, catalog: Catalog) -> None:
    copy = duckdb.connect(str(staging))
    try:
        point_views_at_summaries(copy, catalog)
        copy.execute("CHECKPOINT")
    finally:
        copy.close()


def publish(con: duckdb.DuckDBPyConnection, source: Path, target: Path, catalog: Catalog) -> Path:
    # The copy's stored views read summary tables that must hold what the tables it copies give.
    recompute_summaries(con, catalog)
    # After a checkpoint the file alone holds every committed change, and nothing else in this process
    # writes while we copy it (one connection, one writer).
    con.execute("CHECKPOINT")
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, staging)
        _read_summaries(staging, catalog)
        _fsync(staging)
        # Never publish a copy that does not open as a warehouse of this version.
        check = duckdb.connect(str(staging), read_only=True)
        try:
            check_compatible(check, catalog, staging)
        finally:
            check.close()
        staging.replace(target)
    except (OSError, duckdb.Error) as error:
        raise WarehouseError(
            f"publishing {source} to {target} failed, the previous copy stays: {error}"
        ) from None
    finally:
        staging.unlink(missing_ok=True)
    _fsync(target.parent)
    return target
