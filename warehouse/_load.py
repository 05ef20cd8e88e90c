"""One load: replace one partition of one dataset, in one transaction, with batches of frames or Parquet.

The transaction opens with the load and commits when it ends. Each batch is checked when it is appended,
so that a batch with a value DuckDB would refuse is refused whole and the load goes on without it. The
batches that pass are written together, one INSERT per table, because DuckDB writes a million rows in one
statement about twice as fast as in five and three times as fast as in a hundred (a statement shorter
than two row groups leaves partial row groups that are written twice). Each row's lineage (package,
checksum) is looked up by its batch in a list given with the statement. Parquet batches are written at
the commit, for they cost no memory while they wait; frames as soon as enough of them wait, so they are
held only briefly. Every row checked is written, or the load is void. Nothing is visible to other
connections, and nothing of the previous contents is lost, until the commit; any failure rolls
everything back. A batch already on disk as Parquet is read by DuckDB straight into its tables: a
200,000-document partition loads in well under half the memory its frames would take.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from schemas import ContractError, Partition, Table
from warehouse._catalog import HISTORY, LOADS, Dataset
from warehouse._ddl import column_list, first_row, ident, literal
from warehouse._errors import LoadError, disk_full

__all__ = ["Load", "LoadReport"]

# The column that identifies a document in every table that holds documents.
_DOCUMENT = "uuid"
# The history columns a metadata load writes; the rest belong to the status service's answers.
_METADATA_HISTORY = (
    "uuid",
    "estatus",
    "fecha_cancelacion",
    "visto_desde",
    "load_id",
    "rfc",
    "direction",
    "fuente",
)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a committed load did; the same figures are in the `loads` table under `load_id`."""

    load_id: str
    dataset: str
    partition: Partition
    rows: Mapping[str, int]
    rejects: int
    rows_replaced: int
    duplicates_dropped: int
    batches: int
    duration_ms: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_load_id(now: datetime) -> str:
    """Sortable by time, unique without coordination."""
    return f"{now:%Y%m%dT%H%M%S}Z-{secrets.token_hex(4)}"


@dataclass(slots=True)
class _Batch:
    source_package: str
    source_sha256: str


@dataclass(frozen=True, slots=True)
class _WaitingFrame:
    """One checked batch's frame for one table, waiting to be written with the others."""

    batch: int  # its place in Load._batches
    frame: pl.DataFrame
    size: int  # its estimated bytes


@dataclass(frozen=True, slots=True)
class _WaitingFiles:
    """One checked batch's Parquet files for one table, waiting to be written at the commit."""

    batch: int
    rows: int
    paths: tuple[Path, ...]
    stamps: tuple[tuple[int, int], ...]  # each path's size and modification time when checked


# A table's waiting frames are written once they hold this many rows (four of DuckDB's row groups: past
# two, a statement writes at its full rate), or all waiting frames once they take this much memory.
_WRITE_ROWS = 4 * 122_880
_WAITING_BYTES = 256 * 1024 * 1024


_WHERE = "rfc = ? AND month = ? AND direction = ?"


@dataclass
class Load:
    """Append batches inside the `with wh.load(...)` block; the warehouse commits or rolls back at its end."""

    con: duckdb.DuckDBPyConnection
    dataset: Dataset
    partition: Partition
    shared: frozenset[str]  # tables other datasets write too: replace only the rows this dataset wrote
    merge: bool = False  # replace only the documents (or reject keys) appended, not the whole partition
    load_id: str = field(init=False)
    report: LoadReport | None = field(init=False, default=None)
    _started_at: datetime = field(init=False)
    _clock: float = field(init=False)
    _batches: list[_Batch] = field(init=False, default_factory=list)
    _frames: dict[str, list[_WaitingFrame]] = field(init=False, default_factory=dict)  # by table
    _files: dict[str, list[_WaitingFiles]] = field(init=False, default_factory=dict)  # by table
    _inserted: dict[str, int] = field(init=False, default_factory=dict)
    _replaced: int = field(init=False, default=0)
    _state: str = field(init=False, default="open")  # open, broken (a write failed), over
    unrecorded: str | None = field(init=False, default=None)  # why a failure is not in `loads`, if it is not

    def __post_init__(self) -> None:
        self._started_at = _utc_now()
        self._clock = time.perf_counter()
        self.load_id = new_load_id(self._started_at)
        self.con.execute("BEGIN TRANSACTION")
        if not self.merge:
            try:
                for table in self.dataset.tables:
                    self._replaced += self._delete(table, "")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    # -- SQL helpers ---------------------------------------------------------------------------------

    def _count(self, sql: str, params: list[object] | None = None) -> int:
        row = first_row(self.con, sql, params)
        return int(str(row[0])) if row else 0

    def _partition(self) -> list[object]:
        p = self.partition
        return [p.rfc, p.month, p.side.value]

    def _dataset_rows(self, table: Table) -> str:
        """For a table other datasets share: only rows this dataset's loads of the partition wrote."""
        if table.name not in self.shared:
            return ""
        p = self.partition
        month = literal(p.month.isoformat())
        return (
            f" AND load_id IN (SELECT load_id FROM {ident(LOADS.name)} WHERE dataset = "  # noqa: S608
            f"{literal(self.dataset.name)} AND rfc = {literal(p.rfc)} AND month = {month}::DATE "
            f"AND direction = {literal(p.side.value)})"
        )

    def _delete(self, table: Table, condition: str, params: list[object] | None = None) -> int:
        where = f"{_WHERE}{self._dataset_rows(table)}{condition}"
        statement = f"DELETE FROM {ident(table.name)} WHERE {where}"  # noqa: S608
        return self._count(statement, self._partition() + (params or []))

    def _documents(self) -> list[Table]:
        """Tables whose rows belong to one document; reject tables keep every copy they were given."""
        return [
            t
            for t in self.dataset.tables
            if _DOCUMENT in t.names and t.name not in self.dataset.reject_tables
        ]

    # -- appending -----------------------------------------------------------------------------------

    def append(self, frames: Mapping[str, pl.DataFrame], source_package: str, source_sha256: str) -> None:
        """Add one batch (e.g. one package). Call as often as needed; all batches commit together.

        A batch with a value the warehouse cannot store raises LoadError having written nothing of it;
        the load can go on without it. The frames are kept (not copied) until they are written.
        """
        where = self._where(source_package)
        tables: list[tuple[Table, pl.DataFrame]] = []
        for name, frame in frames.items():
            table = self._table(name, where)
            try:
                table.check(frame)
            except ContractError as error:
                raise LoadError(f"{where}: {error.args[0]}") from None
            if frame.height:
                tables.append((table, frame))
        for k, (table, frame) in enumerate(tables):
            name = f"_wh_batch_{k}"
            self.con.register(name, frame)
            try:
                self._check(table, name, where)
            finally:
                self.con.unregister(name)
        batch = self._accept(source_package, source_sha256)
        for table, frame in tables:
            waiting = self._frames.setdefault(table.name, [])
            waiting.append(_WaitingFrame(batch, frame, int(frame.estimated_size())))
            if sum(w.frame.height for w in waiting) >= _WRITE_ROWS:
                self._write_frames(table.name)
        if sum(w.size for waiting in self._frames.values() for w in waiting) >= _WAITING_BYTES:
            for name in list(self._frames):
                self._write_frames(name)

    def append_parquet(
        self, files: Mapping[str, Sequence[Path]], source_package: str, source_sha256: str
    ) -> None:
        """`append` for a batch already on disk as Parquet (per table, the files that hold its rows).

        DuckDB reads the files straight into the tables, a row group at a time: no frames in memory.
        The same contract, the same checks, the same all-or-nothing batch as `append`. The files must
        stay where they are until the load commits.
        """
        where = self._where(source_package)
        tables: list[tuple[Table, tuple[Path, ...]]] = []
        for name, paths in files.items():
            table = self._table(name, where)
            for path in paths:
                try:
                    table.check(pl.DataFrame(schema=pl.read_parquet_schema(path)))
                except ContractError as error:
                    raise LoadError(f"{where}: {path.name}: {error.args[0]}") from None
                except (OSError, pl.exceptions.ComputeError) as error:
                    raise LoadError(f"{where}: {path} is not a readable Parquet file: {error}") from None
            if paths:
                tables.append((table, tuple(paths)))
        counted = [
            (table, paths, _stamps(paths), self._check(table, _parquet(paths), where))
            for table, paths in tables
        ]
        batch = self._accept(source_package, source_sha256)
        for table, paths, stamps, rows in counted:
            if rows:
                self._files.setdefault(table.name, []).append(_WaitingFiles(batch, rows, paths, stamps))

    def _where(self, source_package: str) -> str:
        if self._state != "open":
            raise LoadError(f"load {self.load_id} is {self._state}; start a new load")
        return f"{self.dataset.name} load of {self.partition}, source {source_package}"

    def _table(self, name: str, where: str) -> Table:
        try:
            return self.dataset.table(name)
        except KeyError as error:
            raise LoadError(f"{where}: {error.args[0]}") from None

    def _accept(self, package: str, sha256: str) -> int:
        self._batches.append(_Batch(package, sha256))
        return len(self._batches) - 1

    def _check(self, table: Table, source: str, where: str) -> int:
        """The source's row count, or LoadError if DuckDB would refuse some row of it."""
        try:
            rows, problem = self._refusal(table, source)
        except duckdb.Error as error:
            # A Parquet file whose footer read well but whose data does not: DuckDB has aborted the
            # transaction, so the load cannot go on; it will roll back.
            self._state = "broken"
            raise LoadError(
                f"{where}: table {table.name} could not be read, the load is void: {error}"
            ) from None
        if problem:
            raise LoadError(f"{where}: table {table.name}: {problem}")
        return rows

    def _refusal(self, table: Table, source: str) -> tuple[int, str | None]:
        """The source's rows, and why DuckDB would refuse some row of it (a null where none may be, text
        that is no UUID or no JSON) or None; checked before writing because a failed write ends the whole
        transaction. One pass over the source for every check."""
        checks = {
            f"{c.name} is null": (c.name, f"{ident(c.name)} IS NULL") for c in table.columns if not c.nullable
        }
        checks |= {
            f"{c.name} bad": (
                c.name,
                f"{ident(c.name)} IS NOT NULL AND "
                + (
                    f"TRY_CAST({ident(c.name)} AS UUID) IS NULL"
                    if c.kind.duckdb == "UUID"
                    else f"NOT json_valid({ident(c.name)})"
                ),
            )
            for c in table.columns
            if c.kind.duckdb in {"UUID", "JSON"}
        }
        figures = "".join(
            f", count(*) FILTER (WHERE {test}), any_value({ident(name)}) FILTER (WHERE {test})"
            for name, test in checks.values()
        )
        row = first_row(self.con, f"SELECT count(*){figures} FROM {source}")  # noqa: S608
        assert row is not None
        rows = int(str(row[0]))
        for k, (check, (name, _)) in enumerate(checks.items()):
            bad, example = int(str(row[1 + 2 * k])), row[2 + 2 * k]
            if not bad:
                continue
            if check.endswith("is null"):
                return rows, f"{bad} row(s) have no {name}, which every row needs"
            kind = table.column(name).kind.duckdb
            return rows, f"{bad} value(s) of {name} are not {kind}, e.g. {str(example)[:80]!r}"
        return rows, None

    # -- writing the waiting batches -----------------------------------------------------------------

    def _write_frames(self, name: str) -> None:
        """Write a table's waiting frames in one statement."""
        waiting = self._frames.pop(name, [])
        if not waiting:
            return
        together = pl.concat(
            [w.frame.with_columns(pl.lit(k, pl.Int32()).alias("_wh_part")) for k, w in enumerate(waiting)],
            rechunk=False,
        )
        self.con.register("_wh_waiting", together)
        try:
            batches = [w.batch for w in waiting]
            self._write(self.dataset.table(name), "_wh_waiting", "_wh_part", batches, together.height)
        finally:
            self.con.unregister("_wh_waiting")

    def _write_files(self, name: str) -> None:
        """Write a table's waiting Parquet files in one statement, each as it was when checked."""
        waiting = self._files.pop(name, [])
        if not waiting:
            return
        for w in waiting:
            try:
                same = _stamps(w.paths) == w.stamps
            except OSError:
                same = False
            if not same:
                self._state = "broken"
                raise LoadError(
                    f"{self.dataset.name} load of {self.partition}, table {name} "
                    f"({self._sources([w.batch])}): a staged file was changed or removed after it was "
                    "checked, the load is void; stage the partition again and load it"
                )
        source = _parquet([path for w in waiting for path in w.paths])
        batches = [w.batch for w in waiting for _ in w.paths]
        self._write(
            self.dataset.table(name), source, "file_index::BIGINT", batches, sum(w.rows for w in waiting)
        )

    def _write(self, table: Table, source: str, part: str, batches: list[int], expected: int) -> None:
        """One INSERT of the waiting rows; `part` numbers each row's part of the source, `batches` gives each
        part's batch. Lineage is looked up in a list, not joined: a join would reorder the rows, and the
        file would grow by a third."""
        params: list[object] = [
            *self._partition(),
            self.load_id,
            [self._batches[b].source_package for b in batches],
            [self._batches[b].source_sha256 for b in batches],
            self._started_at,
        ]
        where = f"{self.dataset.name} load of {self.partition}, table {table.name} ({self._sources(batches)})"
        try:
            written = self._count(
                f"INSERT INTO {ident(table.name)} BY NAME SELECT ? AS rfc, ? AS month, ? AS direction, "  # noqa: S608
                f"{column_list(table.names)}, ? AS load_id, (?::VARCHAR[])[{part} + 1] AS source_package, "
                f"(?::VARCHAR[])[{part} + 1] AS source_sha256, ? AS loaded_at FROM {source}",
                params,
            )
        except duckdb.Error as error:
            # A write that fails ends the transaction: the load cannot go on; it will roll back.
            self._state = "broken"
            raise LoadError(f"{where}: could not be written, the load is void: {error}") from None
        if written != expected:
            # Every row checked lands, or the load does not: e.g. a file changed since it was checked.
            self._state = "broken"
            raise LoadError(f"{where}: {written:,} rows written of {expected:,} checked, the load is void")
        self._inserted[table.name] = self._inserted.get(table.name, 0) + written

    def _sources(self, batches: list[int]) -> str:
        packages = sorted({self._batches[b].source_package for b in batches})
        more = f" and {len(packages) - 3} more" if len(packages) > 3 else ""
        return "from " + ", ".join(packages[:3]) + more

    def _write_waiting(self) -> None:
        for table in self.dataset.tables:
            self._write_frames(table.name)
            self._write_files(table.name)

    # -- de-duplication and merge, at the end --------------------------------------------------------

    def _ours(self) -> str:
        return f" AND load_id = {literal(self.load_id)}"

    def _duplicated(self, table: Table) -> bool:
        # A lone key column that is never null is counted as itself: wrapping it in a row costs a fifth more.
        alone = len(table.key) == 1 and not table.column(table.key[0]).nullable
        keys = ident(table.key[0]) if alone else f"row({column_list(table.key)})"
        row = first_row(
            self.con,
            f"SELECT count(*), count(DISTINCT {keys}) FROM {ident(table.name)} "  # noqa: S608
            f"WHERE {_WHERE}{self._ours()}",
            self._partition(),
        )
        return bool(row) and row is not None and row[0] != row[1]

    def _drop_losing_copies(self, documents: list[Table]) -> int:
        """A UUID that came in several batches keeps the rows of one: the first by source, so the
        choice never depends on the order batches arrived in."""
        union = " UNION ALL ".join(
            f"SELECT {_DOCUMENT}, source_sha256, source_package FROM {ident(t.name)} "  # noqa: S608
            f"WHERE {_WHERE}{self._ours()}"
            for t in documents
        )
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _wh_winners AS SELECT {_DOCUMENT}, "  # noqa: S608
            f"arg_min(row(source_sha256, source_package), row(source_sha256, source_package)) AS winner "
            f"FROM ({union}) GROUP BY {_DOCUMENT}",
            self._partition() * len(documents),
        )
        dropped = 0
        for table in documents:
            dropped += self._count(
                f"DELETE FROM {ident(table.name)} t WHERE {_WHERE}{self._ours()} AND EXISTS ("  # noqa: S608
                f"SELECT 1 FROM _wh_winners w WHERE w.{_DOCUMENT} = t.{_DOCUMENT} "
                "AND w.winner <> row(t.source_sha256, t.source_package))",
                self._partition(),
            )
        self.con.execute("DROP TABLE _wh_winners")
        return dropped

    def _drop_repeated_keys(self, table: Table) -> int:
        """The same key twice in one batch (X.xml and X.xml.xml in one zip): keep one, chosen by content."""
        keys = column_list(table.key)
        order = column_list([*table.names, "source_sha256", "source_package"])
        repeated = f"row_number() OVER (PARTITION BY {keys} ORDER BY {order}) > 1"
        return self._count(
            f"DELETE FROM {ident(table.name)} WHERE rowid IN (SELECT rowid FROM {ident(table.name)} "  # noqa: S608
            f"WHERE {_WHERE}{self._ours()} QUALIFY {repeated})",
            self._partition(),
        )

    def _deduplicate(self) -> int:
        written = [t for t in self.dataset.tables if self._inserted.get(t.name)]
        duplicated = [t for t in written if self._duplicated(t)]
        if not duplicated:
            return 0
        dropped = 0
        documents = [t for t in self._documents() if t in written]
        if any(t in documents for t in duplicated):
            dropped += self._drop_losing_copies(documents)
        for table in duplicated:
            dropped += self._drop_repeated_keys(table)
        return dropped

    def _merge_away_older_rows(self) -> int:
        """For a merge: remove the partition's earlier rows of every document or reject key appended."""
        replaced = 0
        documents = [t for t in self._documents() if self._inserted.get(t.name)]
        if documents:
            union = " UNION ".join(
                f"SELECT {_DOCUMENT} FROM {ident(t.name)} WHERE {_WHERE}{self._ours()}"  # noqa: S608
                for t in documents
            )
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE _wh_merged AS {union}", self._partition() * len(documents)
            )
            replaced_documents = f" AND load_id <> {literal(self.load_id)} AND {_DOCUMENT} IN (SELECT "
            replaced_documents += f"{_DOCUMENT} FROM _wh_merged)"
            for table in self._documents():
                replaced += self._delete(table, replaced_documents)
            self.con.execute("DROP TABLE _wh_merged")
        for table in self.dataset.tables:
            if table in self._documents() or not self._inserted.get(table.name):
                continue
            # Rows of this load with the same key as an older row of the partition replace it.
            name = ident(table.name)
            same = " AND ".join(
                f"n.{ident(c)} IS NOT DISTINCT FROM {name}.{ident(c)}"
                for c in ("rfc", "month", "direction", *table.key)
            )
            newer = f"SELECT 1 FROM {name} n WHERE n.load_id = {literal(self.load_id)} AND {same}"  # noqa: S608
            replaced += self._delete(table, f" AND load_id <> {literal(self.load_id)} AND EXISTS ({newer})")
        return replaced

    # -- commit --------------------------------------------------------------------------------------

    def _feed_status(self, loaded_at: datetime) -> None:
        feed = self.dataset.status
        if feed is None or not self._inserted.get(feed.table):
            return
        history = ident(HISTORY.name)
        seen = (
            f"SELECT {_DOCUMENT} AS uuid, "  # noqa: S608
            f"CASE WHEN {feed.cancelled} THEN 'cancelado' ELSE 'vigente' END AS estatus, "
            f"CASE WHEN {feed.cancelled} THEN {ident(feed.cancelled_at)} END AS fecha_cancelacion "
            f"FROM {ident(feed.table)} WHERE {_WHERE}{self._ours()}"
        )
        # New to the history: a UUID never seen, or a cancellation not yet recorded. Only the history
        # rows of this load's UUIDs are looked at (a semi-join that builds on the load's side), so the
        # cost follows the load, not the size of the history.
        # Metadata keeps its own history beside the status service's answers (fuente 'consulta').
        new = "SELECT m.uuid, m.estatus, m.fecha_cancelacion, ?, ?, ?, ?, 'metadata' FROM m "
        new += "LEFT JOIN known k ON k.uuid = m.uuid"
        self.con.execute(
            f"INSERT INTO {history} ({column_list(_METADATA_HISTORY)}) "  # noqa: S608
            f"WITH m AS ({seen}), known AS (SELECT h.uuid, bool_or(h.estatus = 'cancelado') "
            f"AS cancelado FROM {history} h SEMI JOIN m ON h.uuid = m.uuid "
            "WHERE h.fuente IS DISTINCT FROM 'consulta' GROUP BY h.uuid) "
            f"{new} WHERE k.uuid IS NULL OR (m.estatus = 'cancelado' AND NOT k.cancelado)",
            [*self._partition(), loaded_at, self.load_id, self.partition.rfc, self.partition.side.value],
        )

    def commit(self) -> LoadReport:
        if self._state != "open":
            raise LoadError(f"load {self.load_id} is {self._state}; nothing was changed")
        loaded_at = _utc_now()
        try:
            self._write_waiting()
            dropped = self._deduplicate()
            replaced = self._replaced + (self._merge_away_older_rows() if self.merge else 0)
            rows = {t.name: self._stored(t, counted=not dropped) for t in self.dataset.tables}
            self._feed_status(loaded_at)
            report = LoadReport(
                load_id=self.load_id,
                dataset=self.dataset.name,
                partition=self.partition,
                rows=rows,
                rejects=sum(n for t, n in rows.items() if t in self.dataset.reject_tables),
                rows_replaced=replaced,
                duplicates_dropped=dropped,
                batches=len(self._batches),
                duration_ms=round((time.perf_counter() - self._clock) * 1000),
            )
            self._record("committed", report, None)
            self.con.execute("COMMIT")
        except BaseException as error:
            self.fail(error)
            if isinstance(error, duckdb.Error | OSError):
                raise self.failure(error) from None
            raise
        self._state = "over"
        self.report = report
        return report

    def _stored(self, table: Table, counted: bool) -> int:
        """Rows of the table this load keeps: as written when nothing was dropped, else counted again."""
        if counted or not self._inserted.get(table.name):
            return self._inserted.get(table.name, 0)
        return self._count(
            f"SELECT count(*) FROM {ident(table.name)} WHERE {_WHERE}{self._ours()}",  # noqa: S608
            self._partition(),
        )

    def fail(self, error: BaseException) -> None:
        """Roll back and record the failed attempt; the partition keeps its previous contents."""
        if self._state == "over":
            return
        self._state = "over"
        self._frames.clear()
        self._files.clear()
        # A failed COMMIT (a full disk) has already ended the transaction: nothing is left to roll back.
        with contextlib.suppress(duckdb.TransactionException):
            self.con.execute("ROLLBACK")
        message = f"{type(error).__name__}: {error}"
        try:
            self._record("failed", None, message)
        except duckdb.Error as unrecorded:
            self.unrecorded = f"{type(unrecorded).__name__}: {unrecorded}"

    def failure(self, error: BaseException) -> LoadError:
        """The LoadError a user reads for a load that failed on `error`: what happened, what to do."""
        where = f"{self.dataset.name} load of {self.partition}"
        if disk_full(error):
            told = (
                f"no space left on the disk holding the warehouse: the {where} changed nothing (what was "
                "stored is intact); free some space and run again"
            )
        else:
            told = f"{where} failed and changed nothing: {error}"
        if self.unrecorded is not None:
            told += f" (the failure could not be recorded in `loads` either: {self.unrecorded})"
        return LoadError(told)

    def _record(self, status: str, report: LoadReport | None, error: str | None) -> None:
        p = self.partition
        finished = _utc_now()
        rows = report.rows if report else {}
        values: dict[str, object] = {
            "load_id": self.load_id,
            "dataset": self.dataset.name,
            "rfc": p.rfc,
            "month": p.month,
            "direction": p.side.value,
            "status": status,
            "mode": "merge" if self.merge else "replace",
            "started_at": self._started_at,
            "finished_at": finished,
            "duration_ms": round((finished - self._started_at).total_seconds() * 1000),
            "sources": [b.source_package for b in self._batches],
            "source_sha256s": [b.source_sha256 for b in self._batches],
            "rows_per_table": json.dumps(rows, sort_keys=True),
            "rows": sum(rows.values()),
            "rejects": report.rejects if report else 0,
            "rows_replaced": report.rows_replaced if report else 0,
            "duplicates_dropped": report.duplicates_dropped if report else 0,
            "error": error,
        }
        placeholders = ", ".join("?" for _ in LOADS.names)
        self.con.execute(
            f"INSERT INTO {ident(LOADS.name)} ({column_list(LOADS.names)}) VALUES ({placeholders})",  # noqa: S608
            [values[n] for n in LOADS.names],
        )


def _stamps(paths: Sequence[Path]) -> tuple[tuple[int, int], ...]:
    return tuple((stat.st_size, stat.st_mtime_ns) for stat in (path.stat() for path in paths))


def _parquet(paths: Sequence[Path]) -> str:
    return "read_parquet([" + ", ".join(literal(str(p)) for p in paths) + "])"
