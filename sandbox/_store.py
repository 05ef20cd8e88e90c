"""The sandbox's state: requests, packages, download counts and revoked tokens, in SQLite in the data dir.

One connection behind a lock serves all of the server's threads; every change is one transaction, so a
server killed at any point restarts into a consistent state.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PackageRow", "RequestRow", "Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY,
    query_key TEXT NOT NULL,
    rfc TEXT NOT NULL,
    service TEXT NOT NULL,
    created_at REAL NOT NULL,
    stuck INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    document_count INTEGER,
    prepared_at REAL
);
CREATE INDEX IF NOT EXISTS requests_by_key ON requests (query_key);
CREATE TABLE IF NOT EXISTS packages (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    file TEXT NOT NULL,
    document_count INTEGER NOT NULL,
    downloads INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS packages_by_request ON packages (request_id);
CREATE TABLE IF NOT EXISTS revoked_tokens (token_id TEXT PRIMARY KEY);
"""


@dataclass(frozen=True)
class RequestRow:
    id: str
    query_key: str
    rfc: str
    service: str
    created_at: float
    stuck: bool
    outcome: str | None  # None while being prepared; "ready", "empty", "too-many", "error"
    document_count: int | None
    prepared_at: float | None


@dataclass(frozen=True)
class PackageRow:
    id: str
    request_id: str
    file: str
    document_count: int
    downloads: int


class Store:
    """Thread-safe access to `state.sqlite3`."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def requests_with_key(self, query_key: str) -> list[RequestRow]:
        with self._transaction() as db:
            rows = db.execute("SELECT * FROM requests WHERE query_key = ?", (query_key,)).fetchall()
        return [_request(row) for row in rows]

    def add_request(self, row: RequestRow) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO requests (id, query_key, rfc, service, created_at, stuck)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (row.id, row.query_key, row.rfc, row.service, row.created_at, int(row.stuck)),
            )

    def request(self, request_id: str) -> RequestRow | None:
        with self._transaction() as db:
            row = db.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        return None if row is None else _request(row)

    def unprepared(self) -> list[RequestRow]:
        with self._transaction() as db:
            rows = db.execute("SELECT * FROM requests WHERE outcome IS NULL ORDER BY created_at").fetchall()
        return [_request(row) for row in rows]

    def finish(
        self,
        request_id: str,
        outcome: str,
        document_count: int,
        prepared_at: float,
        packages: list[PackageRow],
    ) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO packages (id, request_id, file, document_count) VALUES (?, ?, ?, ?)",
                [(p.id, p.request_id, p.file, p.document_count) for p in packages],
            )
            db.execute(
                "UPDATE requests SET outcome = ?, document_count = ?, prepared_at = ? WHERE id = ?",
                (outcome, document_count, prepared_at, request_id),
            )

    def packages_of(self, request_id: str) -> list[PackageRow]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT * FROM packages WHERE request_id = ? ORDER BY id", (request_id,)
            ).fetchall()
        return [PackageRow(*row) for row in rows]

    def package(self, package_id: str) -> PackageRow | None:
        with self._transaction() as db:
            row = db.execute("SELECT * FROM packages WHERE id = ?", (package_id,)).fetchone()
        return None if row is None else PackageRow(*row)

    def count_download(self, package_id: str, limit: int) -> bool:
        """Record one download if fewer than `limit` were made; False when the limit is reached."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE packages SET downloads = downloads + 1 WHERE id = ? AND downloads < ?",
                (package_id, limit),
            )
            return cursor.rowcount == 1

    def revoke_token(self, token_id: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO revoked_tokens (token_id) VALUES (?)", (token_id,))

    def token_revoked(self, token_id: str) -> bool:
        with self._transaction() as db:
            return (
                db.execute("SELECT 1 FROM revoked_tokens WHERE token_id = ?", (token_id,)).fetchone()
                is not None
            )


_RequestTuple = tuple[str, str, str, str, float, int, str | None, int | None, float | None]


def _request(row: _RequestTuple) -> RequestRow:
    id_, key, rfc, service, created_at, stuck, outcome, count, prepared_at = row
    return RequestRow(id_, key, rfc, service, created_at, bool(stuck), outcome, count, prepared_at)
