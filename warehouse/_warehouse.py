"""The warehouse: one DuckDB file, opened once per process for writing, with its published read-only copy."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import TracebackType

import duckdb
import polars as pl

from schemas import Direction, Partition, PartitionError
from schemas.agregados import AGREGADO_TABLES
from schemas.solicitudes import SOLICITUDES_SAT
from warehouse._agregados import Recomputed, recompute_summaries
from warehouse._catalog import HISTORY, LOADS, Catalog
from warehouse._ddl import first_row, ident
from warehouse._errors import LoadError, WarehouseError, WarehouseLockedError
from warehouse._export import export
from warehouse._lists import ListLoadReport, ListSource, load_list
from warehouse._load import Load
from warehouse._migrate import check_compatible, migrate
from warehouse._publish import publish
from warehouse._snapshot import replace_snapshot
from warehouse._status import record_status_answers, status_candidates
from warehouse._views import create_views

__all__ = ["DEFAULT_LOCK_WAIT_SECONDS", "Warehouse", "default_path", "published_path"]

_WAL_BEFORE_CHECKPOINT = "256MB"
# A writer meeting another writer's lock (DuckDB allows one writing process per file) waits this long by
# default: a partition's load takes seconds to minutes.
DEFAULT_LOCK_WAIT_SECONDS = 600.0
_LOCK_RETRY_SECONDS = 0.25
# The writer's memory: above it DuckDB evicts the load's uncommitted row groups (already written to the
# file optimistically) and spills big intermediates to `<file>.tmp` beside the warehouse. Its default, 80%
# of RAM, let a 200,000-document partition's transaction keep ~500 MB of them resident.
_WRITER_MEMORY = "1GB"
# Columns that differ between two loads of the same input by nature (when, which load), left out of
# content checksums.
_VOLATILE = frozenset({"load_id", "loaded_at", "cargado_en"})
# The history's first sighting (when, by which load, in whose metadata) depends on which load came first.
_FIRST_SEEN = frozenset({"visto_desde", "load_id", "rfc", "direction"})


def default_path(home: Path) -> Path:
    """Where the warehouse file lives under a runtime home (`CFDI_ETL_HOME`): `home/warehouse/cfdi.duckdb`."""
    return home / "warehouse" / "cfdi.duckdb"


def published_path(path: Path) -> Path:
    """The read-only copy beside the warehouse: `cfdi.duckdb` -> `cfdi.published.duckdb`."""
    return path.with_name(path.stem + ".published" + path.suffix)


def _holder(error: duckdb.Error) -> str:
    found = re.search(r"PID (\d+)", str(error))
    return f"another process (PID {found.group(1)})" if found else "another process"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _connect(
    path: Path,
    read_only: bool,
    lock_wait: float,
    say: Callable[[str], None],
) -> duckdb.DuckDBPyConnection:
    """Open the file; a writer meeting another process's lock waits up to `lock_wait` seconds for it."""
    start = time.monotonic()
    said = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise WarehouseError(f"cannot open {path}: {error}") from None
            if read_only:
                raise WarehouseError(
                    f"{path} is open for writing in {_holder(error)} (a load?): query the published copy "
                    f"{published_path(path)} instead, or wait for the load to finish"
                ) from None
            waited = time.monotonic() - start
            if waited >= lock_wait:
                raise WarehouseLockedError(
                    f"{path} is held by {_holder(error)}, writing to it, for more than {lock_wait:g} s: "
                    "let that load or run finish and run this again (CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS "
                    "sets the wait)"
                ) from None
            if not said:
                say(f"{path} is held by {_holder(error)}, writing to it: waiting up to {lock_wait:g} s")
                said = True
            time.sleep(_LOCK_RETRY_SECONDS)
        except duckdb.Error as error:
            raise WarehouseError(f"{path} is not a usable DuckDB file: {error}") from None


class Warehouse:
    """Open with `Warehouse.open(path)`; load partitions with `load()`; publish for readers."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, catalog: Catalog, read_only: bool) -> None:
        self._con = con
        self.path = path
        self.catalog = catalog
        self.read_only = read_only
        self.migrations: list[str] = []
        self._loading = False

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        catalog: Catalog | None = None,
        read_only: bool = False,
        lock_wait: float = DEFAULT_LOCK_WAIT_SECONDS,
        say: Callable[[str], None] = _say,
    ) -> Warehouse:
        """Create or migrate the file (or, read-only, check it matches); refuse a newer or foreign file.

        A writer waits for another process writing to the file up to `lock_wait` seconds (entry points
        pass their settings' `CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS`), telling `say` (stderr) that it
        waits; readers never wait.
        """
        if catalog is None:
            from warehouse._datasets import default_catalog

            catalog = default_catalog()
        path = Path(path)
        if read_only and not path.exists():
            raise WarehouseError(f"no warehouse at {path}: load something first, or pass --warehouse")
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path, read_only, lock_wait, say)
        warehouse = cls(con, path, catalog, read_only)
        try:
            if read_only:
                check_compatible(con, catalog, path)
            else:
                # Commits append to the write-ahead log; the file is rewritten by publish()'s checkpoint
                # or on close, not inside a load's commit (DuckDB's default 16 MB made partition
                # reloads pay for a checkpoint each).
                con.execute(f"SET checkpoint_threshold = '{_WAL_BEFORE_CHECKPOINT}'")
                con.execute(f"SET memory_limit = '{_WRITER_MEMORY}'")
                warehouse.migrations = migrate(con, catalog, path)
                create_views(con, catalog.views, tables_changed=bool(warehouse.migrations))
        except BaseException:
            con.close()
            raise
        return warehouse

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    @property
    def published_path(self) -> Path:
        return published_path(self.path)

    @contextmanager
    def load(
        self, rfc: str, month: date, direction: Direction | str, dataset: str, *, merge: bool = False
    ) -> Iterator[Load]:
        """Replace the dataset's tables for one partition with what is appended inside the block.

        The load is one transaction: the partition's rows of the dataset are deleted as it opens, each
        batch is written as it is appended, and on leaving the block normally the rows are de-duplicated
        on UUID and committed (a load with no batches empties the partition: SAT said there was
        nothing). If the block raises, everything rolls back and the attempt is recorded in `loads` as
        failed.

        `merge=True` replaces only the documents (by UUID) and rejects (by key) appended, keeping the
        partition's other rows: for files a user brings, which are rarely a whole partition.
        """
        if self.read_only:
            raise LoadError(f"{self.path} is open read-only; open it for writing to load")
        if self._loading:
            raise LoadError("a load is already in progress on this warehouse; loads run one at a time")
        try:
            chosen = self.catalog.dataset(dataset)
        except KeyError as error:
            raise LoadError(error.args[0]) from None
        shared = frozenset(t for t in chosen.table_names if self.catalog.is_shared(t))
        try:
            partition = Partition(rfc, month, Direction.of(direction))
        except PartitionError as error:
            # The one rule of `schemas`, refused as everything the warehouse refuses is.
            raise LoadError(str(error)) from None
        load = Load(self._con, chosen, partition, shared, merge)
        self._loading = True
        try:
            try:
                yield load
            except BaseException as error:
                load.fail(error)
                if isinstance(error, duckdb.Error):  # the load's own statements; the caller's errors stay
                    raise load.failure(error) from None
                raise
            load.commit()
        finally:
            self._loading = False

    def load_list(self, read: ListSource) -> ListLoadReport:
        """Load one of SAT's list files (warehouse/_lists.py): once per content, newest version current."""
        if self.read_only:
            raise LoadError(f"{self.path} is open read-only; open it for writing to load")
        return load_list(self._con, read)

    def export(self, name: str, destination: Path) -> Path:
        """Write a table or view as Parquet under `destination/name/`, hive-partitioned by rfc and month."""
        return export(self._con, name, destination)

    def recompute_summaries(self) -> Recomputed:
        """Bring the summary tables up to date for the RFCs touched since (publish() does it first)."""
        if self.read_only:
            raise WarehouseError(f"{self.path} is open read-only; only its writer recomputes summaries")
        return recompute_summaries(self._con, self.catalog)

    def publish(self) -> Path:
        """Atomically replace the read-only copy beside the file with the current contents."""
        if self.read_only:
            raise WarehouseError(f"{self.path} is open read-only; only its writer publishes it")
        return publish(self._con, self.path, published_path(self.path), self.catalog)

    def status_candidates(
        self,
        *,
        rfcs: Sequence[str] = (),
        months: Sequence[date] = (),
        since: date | None = None,
        uuids: Sequence[str] = (),
    ) -> pl.DataFrame:
        """The CFDI SAT's status service can be asked about, one row per UUID, matching every filter
        given: rfc, direction, month, uuid, rfc_emisor, rfc_receptor, total, version, and `cancelado`
        when the warehouse already knows it cancelled."""
        return status_candidates(self._con, rfcs=rfcs, months=months, since=since, uuids=uuids)

    def record_status_answers(self, answers: pl.DataFrame) -> pl.DataFrame:
        """Add the status service's answers to `estatus_historial` (fuente 'consulta'); returns each
        answer's uuid, rfc, direction with the estatus and estatus_cancelacion before and after it."""
        if self.read_only:
            raise WarehouseError(f"{self.path} is open read-only; open it for writing to record statuses")
        if self._loading:
            raise LoadError("a load is in progress on this warehouse; record statuses after it")
        try:
            return record_status_answers(self._con, answers)
        except duckdb.Error as error:
            raise WarehouseError(f"the status answers could not be recorded (nothing was): {error}") from None

    def replace_snapshot(self, table: str, frame: pl.DataFrame) -> int:
        """Replace the whole of an unpartitioned snapshot table (e.g. solicitudes_sat) in one transaction."""
        if self.read_only:
            raise WarehouseError(f"{self.path} is open read-only; open it for writing to replace {table}")
        return replace_snapshot(self._con, self.catalog, table, frame)

    def query(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        try:
            relation = self._con.sql(sql, params=params)
            frame: pl.DataFrame = pl.DataFrame() if relation is None else relation.pl()
        except duckdb.Error as error:
            raise WarehouseError(f"query failed: {error}") from None
        return frame

    def checksums(self) -> dict[str, str]:
        """Per table, `rows:sum-of-row-hashes` over its content (not which load wrote it, nor when; for the
        status history, not where and when each status was first seen; not the summary tables, derived at
        publish).

        Independent of row order; two warehouses with equal checksums hold the same rows.
        """
        sums: dict[str, str] = {}
        for table in self.catalog.tables:
            if table is LOADS or table is SOLICITUDES_SAT or table in AGREGADO_TABLES:
                continue
            columns = self._stored_column_names(table.name)
            volatile = _FIRST_SEEN if table is HISTORY else _VOLATILE
            hashed = ", ".join(ident(c) for c in columns if c not in volatile)
            row = first_row(
                self._con,
                f"SELECT count(*), coalesce(sum(hash({hashed})::HUGEINT), 0) FROM {ident(table.name)}",  # noqa: S608
            )
            assert row is not None
            sums[table.name] = f"{row[0]}:{row[1]}"
        return sums

    def _stored_column_names(self, table: str) -> list[str]:
        rows = self._con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
        return [str(r[0]) for r in rows]
