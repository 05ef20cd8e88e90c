"""The alert ledger: every fact ever raised, and per channel whether it went out, so nothing is told twice
and nothing that failed to go out is lost. SQLite, beside the request ledger."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from etl.alerts._events import AlertEvent

__all__ = ["AlertLedger", "PendingDelivery"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    rfc TEXT,
    month TEXT,
    uuid TEXT,
    batch TEXT NOT NULL,
    event TEXT NOT NULL,
    raised_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    key TEXT NOT NULL REFERENCES alerts(key),
    channel TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    PRIMARY KEY (key, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (channel, sent_at);
"""


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    event: AlertEvent
    batch: str
    channel: str
    attempts: int
    next_attempt_at: datetime


class AlertLedger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=60000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AlertLedger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def record(
        self, events: Sequence[AlertEvent], batch: str, channels: Sequence[str], now: datetime
    ) -> list[AlertEvent]:
        """Write down the events not seen before (by key), due now on every channel; return those."""
        new: list[AlertEvent] = []
        stamp = now.isoformat(timespec="seconds")
        with self._write() as db:
            for event in {e.key: e for e in events}.values():
                cursor = db.execute(
                    "INSERT INTO alerts (key, kind, rfc, month, uuid, batch, event, raised_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    (
                        event.key,
                        event.kind.value,
                        event.rfc,
                        None if event.month is None else event.month.isoformat(),
                        event.uuid,
                        batch,
                        event.to_json(),
                        stamp,
                    ),
                )
                if cursor.rowcount:
                    new.append(event)
                    db.executemany(
                        "INSERT INTO deliveries (key, channel, next_attempt_at) VALUES (?, ?, ?)",
                        [(event.key, channel, stamp) for channel in channels],
                    )
        return new

    def due(self, channel: str, now: datetime) -> list[PendingDelivery]:
        """What `channel` has not delivered yet and may try now, in the order it was raised."""
        rows = self._db.execute(
            "SELECT a.event, a.batch, d.attempts, d.next_attempt_at FROM deliveries AS d "
            "JOIN alerts AS a ON a.key = d.key "
            "WHERE d.channel = ? AND d.sent_at IS NULL AND d.next_attempt_at <= ? "
            "ORDER BY a.rowid",
            (channel, now.isoformat(timespec="seconds")),
        ).fetchall()
        return [
            PendingDelivery(
                AlertEvent.from_json(r[0]), str(r[1]), channel, int(r[2]), datetime.fromisoformat(r[3])
            )
            for r in rows
        ]

    def pending(self) -> list[PendingDelivery]:
        """Every delivery not made yet, due or not."""
        rows = self._db.execute(
            "SELECT a.event, a.batch, d.channel, d.attempts, d.next_attempt_at FROM deliveries AS d "
            "JOIN alerts AS a ON a.key = d.key WHERE d.sent_at IS NULL ORDER BY a.rowid"
        ).fetchall()
        return [
            PendingDelivery(
                AlertEvent.from_json(r[0]), str(r[1]), str(r[2]), int(r[3]), datetime.fromisoformat(r[4])
            )
            for r in rows
        ]

    def mark_sent(self, channel: str, keys: Sequence[str], now: datetime) -> None:
        with self._write() as db:
            db.executemany(
                "UPDATE deliveries SET sent_at = ?, attempts = attempts + 1, last_error = NULL "
                "WHERE key = ? AND channel = ?",
                [(now.isoformat(timespec="seconds"), key, channel) for key in keys],
            )

    def mark_failed(self, channel: str, keys: Sequence[str], error: str, retry_at: datetime) -> None:
        with self._write() as db:
            db.executemany(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE key = ? AND channel = ?",
                [(error, retry_at.isoformat(timespec="seconds"), key, channel) for key in keys],
            )

    def known(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM alerts WHERE key = ?", (key,)).fetchone() is not None
