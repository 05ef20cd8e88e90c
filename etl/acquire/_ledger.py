"""The request ledger: every SAT request, its IdSolicitud, state and packages, written before the next step.

SQLite (WAL, busy timeout) rather than DuckDB: request, poll and download steps of several RFCs write here
while a load holds DuckDB's single writer lock (docs/architecture.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from etl.acquire._spec import RequestSpec
from etl.sat import Direction, RequestType, Service

__all__ = ["Ledger", "LedgerEntry", "PackageRecord", "RequestState"]


class RequestState(StrEnum):
    PLANNED = "planned"  # written before SAT is asked: a crash still counts the attempt
    SUBMITTED = "submitted"  # SAT gave an IdSolicitud; not finished yet
    FINISHED = "finished"  # SAT finished; package ids known
    EMPTY = "empty"  # SAT has nothing for these parameters (5004)
    SPLIT = "split"  # too many documents (5003); the child requests cover the period
    EXHAUSTED = "exhausted"  # SAT's lifetime maximum reached (5002) with no usable request
    FAILED = "failed"  # SAT refused the request or does not know its id: asked again as it is
    GONE = "gone"  # SAT accepted it but will not serve it (answer lost, ended, packages gone): asked anew


_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    rfc TEXT NOT NULL,
    month TEXT NOT NULL,
    service TEXT NOT NULL,
    direction TEXT NOT NULL,
    request_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status_filter TEXT NOT NULL,
    parent_key TEXT REFERENCES requests(key),
    state TEXT NOT NULL,
    id_solicitud TEXT,
    lifetime_requests INTEGER NOT NULL DEFAULT 0,
    number_cfdis INTEGER,
    last_code INTEGER,
    last_message TEXT,
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS requests_by_partition ON requests (rfc, month);
CREATE INDEX IF NOT EXISTS requests_by_state ON requests (state);
CREATE TABLE IF NOT EXISTS packages (
    package_id TEXT PRIMARY KEY,
    request_key TEXT NOT NULL REFERENCES requests(key),
    sha256 TEXT,
    size INTEGER,
    downloaded_at TEXT
);
CREATE INDEX IF NOT EXISTS packages_by_request ON packages (request_key);
-- Every answer SAT gave a request, in order: `requests` keeps only the latest (`cfdi-etl requests show`).
CREATE TABLE IF NOT EXISTS answers (
    request_key TEXT NOT NULL REFERENCES requests(key),
    answered_at TEXT NOT NULL,
    state TEXT NOT NULL,
    code INTEGER,
    message TEXT,
    id_solicitud TEXT
);
CREATE INDEX IF NOT EXISTS answers_by_request ON answers (request_key);
"""

# Columns added since the first ledgers: (table, column, declaration). Added where missing, so a ledger
# written by an earlier version keeps working (and an earlier version ignores them).
_ADDED_COLUMNS = (
    # The request this one asks anew (same documents, parameters SAT does not consider identical).
    ("requests", "replaces", "TEXT REFERENCES requests(key)"),
    # Downloads begun for the package, counted before each call: SAT serves a package only twice.
    ("packages", "download_attempts", "INTEGER NOT NULL DEFAULT 0"),
)
_AFTER_MIGRATION = """
CREATE UNIQUE INDEX IF NOT EXISTS requests_by_replaced ON requests (replaces) WHERE replaces IS NOT NULL;
"""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    spec: RequestSpec
    parent_key: str | None
    state: RequestState
    id_solicitud: str | None
    lifetime_requests: int
    number_cfdis: int | None
    last_code: int | None
    last_message: str | None
    created_at: datetime
    submitted_at: datetime | None
    updated_at: datetime
    finished_at: datetime | None
    replaces: str | None = None  # the key of the request this one asks anew, if it is a successor

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(frozen=True, slots=True)
class PackageRecord:
    package_id: str
    request_key: str
    sha256: str | None
    size: int | None
    download_attempts: int = 0


class Ledger:
    """One SQLite file; each method is one short transaction, safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=60000")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        with self._write() as db:
            for table, column, declaration in _ADDED_COLUMNS:
                if column not in self._columns(table):
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                    if column == "replaces":
                        # Earlier versions marked a request whose packages SAT no longer serves `failed`
                        # and asked its parameters again; it is `gone`, to be asked anew by a successor.
                        db.execute(
                            "UPDATE requests SET state = ? WHERE state = ? AND last_code IN (5007, 5008)",
                            (RequestState.GONE.value, RequestState.FAILED.value),
                        )
        self._db.executescript(_AFTER_MIGRATION)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so two processes never interleave a read-then-write.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- requests -------------------------------------------------------------------------------------

    def get(self, key: str) -> LedgerEntry | None:
        row = self._db.execute("SELECT * FROM requests WHERE key = ?", (key,)).fetchone()
        return None if row is None else _entry(row, self._columns("requests"))

    def record_planned(self, spec: RequestSpec, parent_key: str | None = None) -> LedgerEntry:
        """Write the request down and count one more SAT attempt for it, before SAT is asked."""
        self._insert(
            spec,
            parent_key,
            attempts=1,
            on_conflict="UPDATE SET state = excluded.state, "
            "lifetime_requests = requests.lifetime_requests + 1, updated_at = excluded.updated_at",
        )
        entry = self.get(spec.key)
        assert entry is not None
        return entry

    def record_child(self, spec: RequestSpec, parent_key: str) -> None:
        """Note a part of a split period without asking SAT yet (no attempt is counted)."""
        self._insert(spec, parent_key, attempts=0, on_conflict="NOTHING")

    def record_successor(self, spec: RequestSpec, lost: LedgerEntry) -> LedgerEntry:
        """Note `spec` as the request that asks anew what `lost` asked (not asked of SAT yet).

        It takes `lost`'s place: in its parent's parts, among the partition's roots, and when the plan asks
        `lost`'s parameters again. A request has at most one successor; asking for a second returns it.
        """
        existing = self.successor(lost.key)
        if existing is not None:
            return existing
        self._insert(spec, lost.parent_key, attempts=0, on_conflict="NOTHING", replaces=lost.key)
        entry = self.successor(lost.key)
        assert entry is not None, f"{spec.key} is in the ledger already as another request"
        return entry

    def successor(self, key: str) -> LedgerEntry | None:
        row = self._db.execute("SELECT * FROM requests WHERE replaces = ?", (key,)).fetchone()
        return None if row is None else _entry(row, self._columns("requests"))

    def latest(self, entry: LedgerEntry) -> LedgerEntry:
        """The request that now stands for `entry`: itself, or the last of its successors."""
        while (following := self.successor(entry.key)) is not None:
            entry = following
        return entry

    def predecessors(self, entry: LedgerEntry) -> list[LedgerEntry]:
        """The requests `entry` asks anew, nearest first."""
        found: list[LedgerEntry] = []
        while entry.replaces is not None:
            previous = self.get(entry.replaces)
            if previous is None:
                break
            found.append(previous)
            entry = previous
        return found

    def _insert(
        self,
        spec: RequestSpec,
        parent_key: str | None,
        *,
        attempts: int,
        on_conflict: str,
        replaces: str | None = None,
    ) -> None:
        now = _now()
        with self._write() as db:
            db.execute(
                f"""
                INSERT INTO requests (key, rfc, month, service, direction, request_type, period_start,
                                      period_end, status_filter, parent_key, state, lifetime_requests,
                                      created_at, updated_at, replaces)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key) DO {on_conflict}
                """,  # noqa: S608 (on_conflict is one of two constants above)
                (
                    spec.key,
                    spec.rfc,
                    spec.month.isoformat(),
                    spec.service.value,
                    spec.direction.value,
                    spec.request_type.value,
                    spec.start.isoformat(),
                    spec.end.isoformat(),
                    spec.status.value,
                    parent_key,
                    RequestState.PLANNED.value,
                    attempts,
                    now,
                    now,
                    replaces,
                ),
            )

    def record_answer(
        self,
        key: str,
        state: RequestState,
        *,
        code: int | None,
        message: str | None,
        id_solicitud: str | None = None,
        number_cfdis: int | None = None,
    ) -> None:
        """Store SAT's latest answer for a request, and its IdSolicitud when SAT gives one.

        A new IdSolicitud (the request asked again) restarts `submitted_at`: how long SAT has had it.
        """
        now = _now()
        finished = now if state in _FINAL else None
        with self._write() as db:
            db.execute(
                """
                UPDATE requests SET state = ?, last_code = ?, last_message = ?,
                    id_solicitud = COALESCE(?, id_solicitud),
                    submitted_at = CASE WHEN ? IS NOT NULL AND id_solicitud IS NOT ?
                                        THEN ? ELSE submitted_at END,
                    number_cfdis = COALESCE(?, number_cfdis),
                    finished_at = COALESCE(?, finished_at), updated_at = ?
                WHERE key = ?
                """,
                (
                    state.value,
                    code,
                    message,
                    id_solicitud,
                    id_solicitud,
                    id_solicitud,
                    now,
                    number_cfdis,
                    finished,
                    now,
                    key,
                ),
            )
            db.execute(
                "INSERT INTO answers (request_key, answered_at, state, code, message, id_solicitud) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, now, state.value, code, message, id_solicitud),
            )

    def children(self, key: str) -> list[LedgerEntry]:
        """The parts a split request is asked in now (a part asked anew stands for the one it replaces)."""
        cols = self._columns("requests")
        rows = self._db.execute(
            f"SELECT * FROM requests WHERE parent_key = ? AND {_NOT_REPLACED} ORDER BY period_start",  # noqa: S608
            (key,),
        ).fetchall()
        return [_entry(r, cols) for r in rows]

    def in_state(self, *states: RequestState) -> list[LedgerEntry]:
        cols = self._columns("requests")
        marks = ", ".join("?" for _ in states)
        rows = self._db.execute(
            f"SELECT * FROM requests WHERE state IN ({marks}) ORDER BY rfc, month, period_start",  # noqa: S608
            [s.value for s in states],
        ).fetchall()
        return [_entry(r, cols) for r in rows]

    def for_partition(self, rfc: str, month: date) -> list[LedgerEntry]:
        cols = self._columns("requests")
        rows = self._db.execute(
            "SELECT * FROM requests WHERE rfc = ? AND month = ? "
            "ORDER BY service, direction, request_type, period_start",
            (rfc.upper(), month.isoformat()),
        ).fetchall()
        return [_entry(r, cols) for r in rows]

    def current_roots(self, rfc: str, month: date) -> list[LedgerEntry]:
        """Per service, direction and request type, the partition's latest-reaching top-level request.

        The current month is asked again each day up to a later end; the latest covers all earlier ones.
        """
        latest: dict[tuple[str, str, str], LedgerEntry] = {}
        replaced = {e.replaces for e in self.for_partition(rfc, month)}
        for entry in self.for_partition(rfc, month):
            if entry.parent_key is not None or entry.key in replaced:
                continue
            spec = entry.spec
            slot = (spec.service.value, spec.direction.value, spec.request_type.value)
            if slot not in latest or spec.end > latest[slot].spec.end:
                latest[slot] = entry
        return list(latest.values())

    def leaves(self, entry: LedgerEntry) -> list[LedgerEntry]:
        """The requests that actually carry the data of `entry`: itself, or the parts it was split into."""
        if entry.state is not RequestState.SPLIT:
            return [entry]
        return [leaf for child in self.children(entry.key) for leaf in self.leaves(child)]

    def partition_leaves(self, rfc: str, month: date) -> list[LedgerEntry]:
        """The requests that carry a partition's data now: the leaves of its current roots."""
        return [leaf for root in self.current_roots(rfc, month) for leaf in self.leaves(root)]

    def sat_requests_sent(self) -> int:
        """How many requests this ledger has ever sent to SAT (the sum of lifetime attempts)."""
        (total,) = self._db.execute("SELECT COALESCE(SUM(lifetime_requests), 0) FROM requests").fetchone()
        return int(total)

    # -- packages -------------------------------------------------------------------------------------

    def record_package_ids(self, key: str, package_ids: list[str]) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT INTO packages (package_id, request_key) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(p, key) for p in package_ids],
            )

    def record_package_stored(self, package_id: str, sha256: str, size: int) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE packages SET sha256 = ?, size = ?, downloaded_at = ? WHERE package_id = ?",
                (sha256, size, _now(), package_id),
            )

    def packages(self, key: str) -> list[PackageRecord]:
        rows = self._db.execute(
            "SELECT package_id, request_key, sha256, size, download_attempts FROM packages "
            "WHERE request_key = ? ORDER BY package_id",
            (key,),
        ).fetchall()
        return [PackageRecord(str(r[0]), str(r[1]), r[2], r[3], int(r[4])) for r in rows]

    def record_download_begun(self, package_id: str, *, served: bool = True) -> int:
        """Count one more download of a package, before SAT is asked; returns how many have begun.

        `served=False` takes one back: SAT answered nothing of it (no connection, an HTTP error).
        """
        with self._write() as db:
            db.execute(
                "UPDATE packages SET download_attempts = max(download_attempts + ?, 0) WHERE package_id = ?",
                (1 if served else -1, package_id),
            )
            row = db.execute(
                "SELECT download_attempts FROM packages WHERE package_id = ?", (package_id,)
            ).fetchone()
        return int(row[0])

    def forget_packages(self, key: str) -> None:
        """Drop package ids SAT no longer serves (expired) that never reached the store."""
        with self._write() as db:
            db.execute("DELETE FROM packages WHERE request_key = ? AND sha256 IS NULL", (key,))

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self._db.execute(f"PRAGMA table_info({table})").fetchall()]


_NOT_REPLACED = "key NOT IN (SELECT replaces FROM requests WHERE replaces IS NOT NULL)"
_FINAL = frozenset({RequestState.FINISHED, RequestState.EMPTY, RequestState.SPLIT, RequestState.EXHAUSTED})


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _entry(row: tuple[object, ...], columns: list[str]) -> LedgerEntry:
    r = dict(zip(columns, row, strict=True))
    spec = RequestSpec(
        rfc=str(r["rfc"]),
        service=Service(str(r["service"])),
        direction=Direction(str(r["direction"])),
        request_type=RequestType(str(r["request_type"])),
        start=datetime.fromisoformat(str(r["period_start"])),
        end=datetime.fromisoformat(str(r["period_end"])),
        month=date.fromisoformat(str(r["month"])),
    )
    created, updated = _time(str(r["created_at"])), _time(str(r["updated_at"]))
    assert created is not None
    assert updated is not None
    return LedgerEntry(
        spec=spec,
        parent_key=None if r["parent_key"] is None else str(r["parent_key"]),
        state=RequestState(str(r["state"])),
        id_solicitud=None if r["id_solicitud"] is None else str(r["id_solicitud"]),
        lifetime_requests=int(str(r["lifetime_requests"])),
        number_cfdis=None if r["number_cfdis"] is None else int(str(r["number_cfdis"])),
        last_code=None if r["last_code"] is None else int(str(r["last_code"])),
        last_message=None if r["last_message"] is None else str(r["last_message"]),
        created_at=created,
        submitted_at=_time(None if r["submitted_at"] is None else str(r["submitted_at"])),
        updated_at=updated,
        finished_at=_time(None if r["finished_at"] is None else str(r["finished_at"])),
        replaces=None if r["replaces"] is None else str(r["replaces"]),
    )
