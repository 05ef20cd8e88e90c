"""One run per RFC at a time: a lease in the request ledger's SQLite file, with an owner and an expiry.

SAT answers a repeated request with 5005 and counts it against the parameters' lifetime allowance, so two
runs of one RFC must never submit side by side, whoever started them (the CLI, the schedule, the sensor,
the UI). The lease row names its owner (host, process, run) and expires unless its holder renews it, so a
killed holder never keeps it: it is free once it has expired, or at once when its process is gone from this
host.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["LeaseHeldError", "LeaseOwner", "RfcLease"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rfc_leases (
    rfc TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    run TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
)
"""
# How often a waiting command looks again, and tells the user it still waits.
_RETRY_SECONDS = 0.5
_SAY_AGAIN_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class LeaseOwner:
    """Who holds a lease: the host and process it runs in, and which run (a Dagster run id, or the CLI's)."""

    host: str
    pid: int
    run: str

    @classmethod
    def here(cls, run: str) -> LeaseOwner:
        return cls(socket.gethostname(), os.getpid(), run)

    def __str__(self) -> str:
        return f"run {self.run} (process {self.pid} on {self.host})"


class LeaseHeldError(RuntimeError):
    """Another live run holds the RFC's lease and did not let it go within the wait."""

    def __init__(self, rfc: str, holder: LeaseOwner, since: str, waited: float) -> None:
        self.rfc, self.holder = rfc, holder
        super().__init__(
            f"{rfc} is being synced by {holder} since {since}; waited {waited:g} s. Let that run finish "
            "and run again (raise CFDI_ETL_RFC_LEASE_WAIT_SECONDS to wait longer)"
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, alive
        return True
    return True


def _now() -> datetime:
    return datetime.now(UTC)


class RfcLease:
    """The leases table beside the request ledger; `hold(rfc, owner)` is how a run takes one."""

    def __init__(self, path: Path, ttl: timedelta = timedelta(minutes=2)) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.ttl = path, ttl
        self._db = self._connect()
        self._db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=60000")
        return db

    def __enter__(self) -> RfcLease:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def holder(self, rfc: str) -> tuple[LeaseOwner, str] | None:
        """The live holder of `rfc`'s lease and since when, or None when it is free."""
        row = self._db.execute(
            "SELECT host, pid, run, acquired_at, expires_at FROM rfc_leases WHERE rfc = ?", [rfc]
        ).fetchone()
        if row is None:
            return None
        owner = LeaseOwner(row[0], int(row[1]), row[2])
        if datetime.fromisoformat(row[4]) <= _now():
            return None
        if owner.host == socket.gethostname() and not _alive(owner.pid):
            return None
        return owner, str(row[3])

    def try_acquire(self, rfc: str, owner: LeaseOwner) -> tuple[bool, tuple[LeaseOwner, str] | None]:
        """(taken, holder): taken when the lease was free and is now `owner`'s; holder is whoever has it.

        The same process (a CLI run around its Dagster runs) or the same run (a run's steps in
        processes of their own) already holding it counts as holding it: nothing is taken, nothing to
        give back.
        """
        now = _now()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            held = self.holder(rfc)
            if held is not None:
                current, _ = held
                mine = (bool(owner.run) and current.run == owner.run) or (current.host, current.pid) == (
                    owner.host,
                    owner.pid,
                )
                self._db.execute("COMMIT")
                return False, None if mine else held
            self._db.execute(
                "INSERT OR REPLACE INTO rfc_leases VALUES (?, ?, ?, ?, ?, ?)",
                [rfc, owner.host, owner.pid, owner.run, now.isoformat(), (now + self.ttl).isoformat()],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return True, None

    def renew(self, rfc: str, owner: LeaseOwner, db: sqlite3.Connection | None = None) -> None:
        (db or self._db).execute(
            "UPDATE rfc_leases SET expires_at = ? WHERE rfc = ? AND host = ? AND pid = ? AND run = ?",
            [(_now() + self.ttl).isoformat(), rfc, owner.host, owner.pid, owner.run],
        )

    def release(self, rfc: str, owner: LeaseOwner) -> None:
        self._db.execute(
            "DELETE FROM rfc_leases WHERE rfc = ? AND host = ? AND pid = ? AND run = ?",
            [rfc, owner.host, owner.pid, owner.run],
        )

    @contextmanager
    def hold(
        self,
        rfc: str,
        owner: LeaseOwner,
        *,
        wait_seconds: float,
        say: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Iterator[None]:
        """Hold `rfc`'s lease inside the block, renewed in the background until it ends.

        Waits up to `wait_seconds` for a live holder, saying who it waits for, then raises
        `LeaseHeldError` naming it.
        """
        start = clock()
        said = -_SAY_AGAIN_SECONDS
        while True:
            taken, held = self.try_acquire(rfc, owner)
            if held is None:
                break
            waited = clock() - start
            if waited >= wait_seconds:
                raise LeaseHeldError(rfc, held[0], held[1], round(waited, 1))
            if waited - said >= _SAY_AGAIN_SECONDS:
                say(
                    f"waiting for {held[0]}, which is syncing {rfc} since {held[1]}: one run per RFC at a "
                    f"time (up to {wait_seconds:g} s; Ctrl-C to stop)"
                )
                said = waited
            sleep(_RETRY_SECONDS)
        if not taken:
            yield
            return
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew_until, args=(rfc, owner, stop), daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            self.release(rfc, owner)

    def _renew_until(self, rfc: str, owner: LeaseOwner, stop: threading.Event) -> None:
        db = self._connect()
        try:
            while not stop.wait(self.ttl.total_seconds() / 3):
                self.renew(rfc, owner, db)
        finally:
            db.close()
