"""One load: stage batches of frames, then replace one partition of one dataset in one transaction."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from schemas import DIRECTIONS, ContractError, Table
from warehouse._catalog import HISTORY, LOADS, Dataset
from warehouse._ddl import column_definition, column_list, first_row, ident
from warehouse._errors import LoadError

__all__ = ["Load", "LoadReport", "Partition", "check_rfc"]

_RFC = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")
# The column that identifies a document in every table that holds documents.
_DOCUMENT = "uuid"


def check_rfc(rfc: str) -> None:
    """Raise LoadError unless `rfc` is written as SAT writes an RFC."""
    if not isinstance(rfc, str) or not _RFC.fullmatch(rfc):
        raise LoadError(f"{rfc!r} is not an RFC: 12 or 13 upper-case letters and digits, e.g. EKU9003173C9")


@dataclass(frozen=True, slots=True)
class Partition:
    rfc: str
    month: date
    direction: str

    def __post_init__(self) -> None:
        check_rfc(self.rfc)
        if isinstance(self.month, datetime) or not isinstance(self.month, date) or self.month.day != 1:
            raise LoadError(
                f"month must be the first day of a month as a date, e.g. date(2024, 1, 1); got {self.month!r}"
            )
        if self.direction not in DIRECTIONS:
            raise LoadError(f"direction must be one of {', '.join(DIRECTIONS)}; got {self.direction!r}")

    def __str__(self) -> str:
        return f"{self.rfc} {self.month:%Y-%m} {self.direction}"


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


@dataclass
class Load:
    """Batches are staged in temporary tables; nothing visible changes until the load commits."""

    con: duckdb.DuckDBPyConnection
    dataset: Dataset
    partition: Partition
    shared: frozenset[str]  # tables other datasets write too: replace only the rows this dataset wrote
    merge: bool = False  # replace only the documents (or reject keys) staged, not the whole partition
    load_id: str = field(init=False)
    report: LoadReport | None = field(init=False, default=None)
    _started_at: datetime = field(init=False)
    _clock: float = field(init=False)
    _batches: list[_Batch] = field(init=False, default_factory=list)
    _stages: dict[str, str] = field(init=False, default_factory=dict)
    _staged: dict[str, int] = field(init=False, default_factory=dict)
    _closed: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._started_at = _utc_now()
        self._clock = time.perf_counter()
        self.load_id = new_load_id(self._started_at)

    # -- staging -------------------------------------------------------------------------------------

    def _stage(self, table: Table) -> str:
        """The temporary table holding this load's rows of `table`, created on first use."""
        stage = self._stages.get(table.name)
        if stage is None:
            stage = ident(f"_stage_{self.load_id.rsplit('-', 1)[1]}_{table.name}")
            columns = ", ".join(column_definition(c) for c in table.columns)
            self.con.execute(f"CREATE TEMP TABLE {stage} ({columns}, _batch INTEGER NOT NULL)")
            self._stages[table.name] = stage
            self._staged[table.name] = 0
        return stage

    def append(self, frames: Mapping[str, pl.DataFrame], source_package: str, source_sha256: str) -> None:
        """Stage one batch (e.g. one package). Call as often as needed; all batches commit together.

        A batch that cannot be staged raises LoadError and leaves no row behind; the load can go on.
        """
        if self.report is not None or self._closed:
            raise LoadError(f"load {self.load_id} is over; start a new load")
        where = f"{self.dataset.name} load of {self.partition}, source {source_package}"
        tables: list[tuple[Table, pl.DataFrame]] = []
        for name, frame in frames.items():
            try:
                table = self.dataset.table(name)
                table.check(frame)
            except (KeyError, ContractError) as error:
                raise LoadError(f"{where}: {error.args[0]}") from None
            if frame.height:
                tables.append((table, frame))
        number = len(self._batches)
        done: list[Table] = []
        for table, frame in tables:
            stage = self._stage(table)
            self.con.register("_wh_batch", frame)
            try:
                self.con.execute(f"INSERT INTO {stage} SELECT *, {number} AS _batch FROM _wh_batch")  # noqa: S608
            except duckdb.Error as error:
                for undo in done:
                    self.con.execute(f"DELETE FROM {self._stages[undo.name]} WHERE _batch = {number}")  # noqa: S608
                raise LoadError(f"{where}: table {table.name}: {error}") from None
            finally:
                self.con.unregister("_wh_batch")
            done.append(table)
        for table, frame in tables:
            self._staged[table.name] += frame.height
        self._batches.append(_Batch(source_package, source_sha256))

    # -- commit --------------------------------------------------------------------------------------

    def _create_batches_table(self) -> None:
        # Which batch wins a UUID that came more than once must not depend on the order of appends:
        # rank batches by their source, and let equal sources (the same file twice) tie harmlessly.
        order = sorted(
            range(len(self._batches)),
            key=lambda n: (self._batches[n].source_sha256, self._batches[n].source_package, n),
        )
        rank = {n: r for r, n in enumerate(order)}
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE _wh_batches "
            "(_batch INTEGER, _rank INTEGER, source_package VARCHAR, source_sha256 VARCHAR)"
        )
        if self._batches:
            self.con.executemany(
                "INSERT INTO _wh_batches VALUES (?, ?, ?, ?)",
                [(n, rank[n], b.source_package, b.source_sha256) for n, b in enumerate(self._batches)],
            )

    def _create_winners_table(self) -> bool:
        documents = [self._stages[t.name] for t in self._documents() if t.name in self._stages]
        if len(self._batches) < 2 or not documents:
            return False
        union = " UNION ".join(f"SELECT DISTINCT {_DOCUMENT}, _batch FROM {s}" for s in documents)  # noqa: S608
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _wh_winners AS SELECT u.{_DOCUMENT}, min(b._rank) AS _rank "  # noqa: S608
            f"FROM ({union}) u JOIN _wh_batches b USING (_batch) GROUP BY u.{_DOCUMENT}"
        )
        return True

    def _documents(self) -> list[Table]:
        """Tables whose rows belong to one document; reject tables keep every copy they were given."""
        return [
            t
            for t in self.dataset.tables
            if _DOCUMENT in t.names and t.name not in self.dataset.reject_tables
        ]

    def _source(self, table: Table, winners: bool) -> str:
        source = f"FROM {self._stages[table.name]} s JOIN _wh_batches b USING (_batch)"
        if winners and table in self._documents():
            source += f" SEMI JOIN _wh_winners w ON w.{_DOCUMENT} = s.{_DOCUMENT} AND w._rank = b._rank"
        return source

    def _create_merged_table(self) -> None:
        """For a merge: every UUID staged in a document table; those documents are replaced whole."""
        staged = [self._stages[t.name] for t in self._documents() if t.name in self._stages]
        union = " UNION ".join(f"SELECT {_DOCUMENT} FROM {s}" for s in staged)  # noqa: S608
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _wh_merged AS {union}"
            if staged
            else f"CREATE OR REPLACE TEMP TABLE _wh_merged ({_DOCUMENT} UUID)"
        )

    def _merged_rows(self, table: Table) -> str:
        """The condition limiting a merge's delete to the rows that the staged ones replace."""
        if table in self._documents():
            return f" AND {_DOCUMENT} IN (SELECT {_DOCUMENT} FROM _wh_merged)"  # noqa: S608
        stage = self._stages.get(table.name)
        if stage is None:
            return " AND false"
        same = " AND ".join(
            f"k.{ident(c)} IS NOT DISTINCT FROM {ident(table.name)}.{ident(c)}" for c in table.key
        )
        return f" AND EXISTS (SELECT 1 FROM {stage} k WHERE {same})"  # noqa: S608

    def _replace(self, table: Table, winners: bool, loaded_at: datetime) -> tuple[int, int, int]:
        """Swap one table's rows of the partition for the staged ones; return (stored, replaced, dropped)."""
        p = self.partition
        name = ident(table.name)
        where = "rfc = ? AND month = ? AND direction = ?"
        params: list[object] = [p.rfc, p.month, p.direction]
        if table.name in self.shared:
            where += (
                f" AND load_id IN (SELECT load_id FROM {ident(LOADS.name)} WHERE dataset = ? "  # noqa: S608
                "AND rfc = ? AND month = ? AND direction = ?)"
            )
            params += [self.dataset.name, *params]
        if self.merge:
            where += self._merged_rows(table)
        replaced = self._count(f"DELETE FROM {name} WHERE {where}", params)  # noqa: S608
        staged = self._staged.get(table.name, 0)
        if not staged:
            return 0, replaced, 0
        source = self._source(table, winners)
        keys = ", ".join("s." + ident(k) for k in table.key)
        offered, distinct = self._pair(f"SELECT count(*), count(DISTINCT row({keys})) {source}")
        qualify = ""
        if distinct != offered:
            # The same key twice within one batch (e.g. a zip holding X.xml and X.xml.xml): keep one,
            # chosen by content so that the choice does not depend on the order rows arrived in.
            order = ", ".join("s." + ident(c) for c in table.names)
            qualify = f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {order}) = 1"
        stored = self._count(
            f"INSERT INTO {name} BY NAME SELECT ? AS rfc, ? AS month, ? AS direction, "
            f"{', '.join('s.' + ident(c) for c in table.names)}, ? AS load_id, b.source_package, "
            f"b.source_sha256, ? AS loaded_at {source}{qualify}",
            [p.rfc, p.month, p.direction, self.load_id, loaded_at],
        )
        return stored, replaced, staged - stored

    def _count(self, sql: str, params: list[object] | None = None) -> int:
        row = first_row(self.con, sql, params)
        return int(str(row[0])) if row else 0

    def _pair(self, sql: str) -> tuple[int, int]:
        row = first_row(self.con, sql)
        return (int(str(row[0])), int(str(row[1]))) if row else (0, 0)

    def _feed_status(self, loaded_at: datetime) -> None:
        feed = self.dataset.status
        if feed is None:
            return
        p = self.partition
        history = ident(HISTORY.name)
        self.con.execute(
            f"INSERT INTO {history} ({column_list(HISTORY.names)}) "  # noqa: S608
            "SELECT m.uuid, m.estatus, m.fecha_cancelacion, ?, ?, ?, ? FROM ("
            f"SELECT {_DOCUMENT} AS uuid, "
            f"CASE WHEN {feed.cancelled} THEN 'cancelado' ELSE 'vigente' END AS estatus, "
            f"CASE WHEN {feed.cancelled} THEN {ident(feed.cancelled_at)} END AS fecha_cancelacion "
            f"FROM {ident(feed.table)} WHERE rfc = ? AND month = ? AND direction = ?) m "
            f"WHERE NOT EXISTS (SELECT 1 FROM {history} h WHERE h.uuid = m.uuid "
            "AND (h.estatus = m.estatus OR h.estatus = 'cancelado'))",
            [loaded_at, self.load_id, p.rfc, p.direction, p.rfc, p.month, p.direction],
        )

    def commit(self) -> LoadReport:
        loaded_at = _utc_now()
        rows: dict[str, int] = {}
        replaced = dropped = 0
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._create_batches_table()
            winners = self._create_winners_table()
            if self.merge:
                self._create_merged_table()
            for table in self.dataset.tables:
                rows[table.name], r, d = self._replace(table, winners, loaded_at)
                replaced += r
                dropped += d
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
            self.con.execute("ROLLBACK")
            self.fail(error)
            if isinstance(error, duckdb.Error):
                raise LoadError(
                    f"{self.dataset.name} load of {self.partition} failed and changed nothing: {error}"
                ) from None
            raise
        self.report = report
        self._drop_stages()
        return report

    def fail(self, error: BaseException) -> None:
        """Record a failed attempt; the partition was never touched."""
        self._drop_stages()
        message = f"{type(error).__name__}: {error}"
        self._record("failed", None, message)

    def _record(self, status: str, report: LoadReport | None, error: str | None) -> None:
        p = self.partition
        finished = _utc_now()
        rows = report.rows if report else {}
        values: dict[str, object] = {
            "load_id": self.load_id,
            "dataset": self.dataset.name,
            "rfc": p.rfc,
            "month": p.month,
            "direction": p.direction,
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

    def _drop_stages(self) -> None:
        self._closed = True
        for stage in self._stages.values():
            self.con.execute(f"DROP TABLE IF EXISTS {stage}")
        self._stages.clear()
