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
    FAILED = "failed"  # SAT rejected or lost the request (states 4, 5, 6) or the packages expired


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

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(frozen=True, slots=True)
class PackageRecord:
    package_id: str
    request_key: str
    sha256: str | None
    size: int | None


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

    def close(self) -> None:
        self._db.close()

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

    def _insert(self, spec: RequestSpec, parent_key: str | None, *, attempts: int, on_conflict: str) -> None:
        now = _now()
        with self._write() as db:
            db.execute(
                f"""
                INSERT INTO requests (key, rfc, month, service, direction, request_type, period_start,
                                      period_end, status_filter, parent_key, state, lifetime_requests,
                                      created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
        """Store SAT's latest answer for a request (and its IdSolicitud the first time SAT gives one)."""
        now = _now()
        finished = now if state in _FINAL else None
        with self._write() as db:
            db.execute(
                """
                UPDATE requests SET state = ?, last_code = ?, last_message = ?,
                    id_solicitud = COALESCE(?, id_solicitud),
                    submitted_at = CASE WHEN ? IS NOT NULL AND submitted_at IS NULL
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
                    now,
                    number_cfdis,
                    finished,
                    now,
                    key,
                ),
            )

    def children(self, key: str) -> list[LedgerEntry]:
        cols = self._columns("requests")
        rows = self._db.execute(
            "SELECT * FROM requests WHERE parent_key = ? ORDER BY period_start", (key,)
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
        for entry in self.for_partition(rfc, month):
            if entry.parent_key is not None:
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
            "SELECT package_id, request_key, sha256, size FROM packages "
            "WHERE request_key = ? ORDER BY package_id",
            (key,),
        ).fetchall()
        return [PackageRecord(str(r[0]), str(r[1]), r[2], r[3]) for r in rows]

    def forget_packages(self, key: str) -> None:
        """Drop package ids SAT no longer serves (expired) that never reached the store."""
        with self._write() as db:
            db.execute("DELETE FROM packages WHERE request_key = ? AND sha256 IS NULL", (key,))

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self._db.execute(f"PRAGMA table_info({table})").fetchall()]


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
    )
