"""The request ledger read as a list, for people: filters, package counts, split parents and children.

Read-only (its own `mode=ro` connection), so listing never waits on or disturbs the steps writing it.
A request's history is what the ledger recorded: planned, every answer SAT gave it (the `answers` table;
ledgers written before it kept only the latest answer), each package downloaded, finished.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from etl.acquire._ledger import LedgerEntry, RequestState, _entry
from etl.sat import CodEstatus, RequestType, Service

__all__ = ["PackageCounts", "RequestFilter", "RequestRecord", "find_request", "list_requests"]


@dataclass(frozen=True, slots=True)
class RequestFilter:
    rfc: str | None = None
    states: tuple[RequestState, ...] = ()
    from_month: date | None = None
    to_month: date | None = None
    request_type: RequestType | None = None
    service: Service | None = None


@dataclass(frozen=True, slots=True)
class PackageCounts:
    downloaded: int = 0
    pending: int = 0  # known to SAT, not in the store yet
    expired: bool = False  # SAT no longer serves the request's packages (5007) or their downloads (5008)

    def __str__(self) -> str:
        text = f"{self.downloaded} downloaded / {self.pending} pending"
        return text + (" / expired" if self.expired else "")


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One ledger row with what a person asks next: its number, packages, parent and children."""

    number: (
        int  # the ledger's row number: a short id for `requests show`, also for requests with no IdSolicitud
    )
    entry: LedgerEntry
    packages: PackageCounts
    parent_number: int | None
    children: tuple[int, ...]
    downloads: tuple[tuple[str, datetime], ...] = field(default=())  # (package id, when), for the history
    answers: tuple[tuple[datetime, str], ...] = field(default=())  # (when, SAT's answer in words), in order

    def age(self, now: datetime) -> float:
        """Hours since the request was first written down (naive UTC, as the ledger)."""
        return (now - self.entry.created_at).total_seconds() / 3600

    def history(self) -> list[tuple[datetime, str]]:
        e = self.entry
        events: list[tuple[datetime, str]] = [
            (e.created_at, f"planned (attempts so far: {e.lifetime_requests})")
        ]
        events += [(when, f"package {package} downloaded") for package, when in self.downloads]
        if self.answers:
            events += list(self.answers)
            if e.finished_at is not None:
                events.append((e.finished_at, e.state.value))
            return sorted(events, key=lambda pair: pair[0])
        # a ledger written before answers were kept: what its latest answer and timestamps tell
        if e.submitted_at is not None:
            events.append((e.submitted_at, f"SAT accepted it as {e.id_solicitud}"))
        last = f"last answer from SAT: {e.last_code} {e.last_message!r}" if e.last_code is not None else ""
        if e.finished_at is not None:
            events.append((e.finished_at, f"{e.state.value}" + (f"; {last}" if last else "")))
        elif last:
            events.append((e.updated_at, f"{e.state.value}; {last}"))
        return sorted(events, key=lambda pair: pair[0])


_EXPIRED = frozenset({CodEstatus.PAQUETE_NO_EXISTE, CodEstatus.MAXIMO_DE_DESCARGAS})


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise LookupError(f"no request ledger at {path}: nothing has been requested from SAT yet")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)


def _records(db: sqlite3.Connection, where: str, parameters: list[object]) -> list[RequestRecord]:
    if (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'requests'").fetchone()
        is None
    ):
        return []  # only RFCs registered so far: the registry shares the file
    columns = [r[1] for r in db.execute("PRAGMA table_info(requests)").fetchall()]
    rows = db.execute(
        f"SELECT rowid, * FROM requests {where} ORDER BY rfc, month, service, direction, request_type, "  # noqa: S608
        "period_start, rowid",
        parameters,
    ).fetchall()
    numbers = {str(k): int(n) for n, k in db.execute("SELECT rowid, key FROM requests").fetchall()}
    children: dict[str, list[int]] = {}
    for number, parent in db.execute("SELECT rowid, parent_key FROM requests WHERE parent_key IS NOT NULL"):
        children.setdefault(str(parent), []).append(int(number))
    packages: dict[str, tuple[int, int]] = {}
    downloads: dict[str, list[tuple[str, datetime]]] = {}
    for key, package_id, downloaded_at in db.execute(
        "SELECT request_key, package_id, downloaded_at FROM packages ORDER BY downloaded_at, package_id"
    ):
        done, waiting = packages.get(str(key), (0, 0))
        packages[str(key)] = (done + 1, waiting) if downloaded_at else (done, waiting + 1)
        if downloaded_at:
            downloads.setdefault(str(key), []).append(
                (str(package_id), datetime.fromisoformat(downloaded_at))
            )
    records = []
    for row in rows:
        entry = _entry(row[1:], columns)
        done, waiting = packages.get(entry.key, (0, 0))
        records.append(
            RequestRecord(
                number=int(row[0]),
                entry=entry,
                packages=PackageCounts(
                    done,
                    waiting,
                    entry.state in (RequestState.FAILED, RequestState.GONE) and entry.last_code in _EXPIRED,
                ),
                parent_number=None if entry.parent_key is None else numbers.get(entry.parent_key),
                children=tuple(sorted(children.get(entry.key, []))),
                downloads=tuple(downloads.get(entry.key, [])),
            )
        )
    return records


def list_requests(ledger_path: Path, chosen: RequestFilter | None = None) -> list[RequestRecord]:
    """The ledger's requests matching `chosen`, by RFC, month, service, direction, type and period."""
    chosen = chosen or RequestFilter()
    clauses: list[str] = []
    parameters: list[object] = []
    if chosen.rfc:
        clauses.append("rfc = ?")
        parameters.append(chosen.rfc.upper())
    if chosen.states:
        clauses.append(f"state IN ({', '.join('?' for _ in chosen.states)})")
        parameters += [s.value for s in chosen.states]
    if chosen.from_month:
        clauses.append("month >= ?")
        parameters.append(chosen.from_month.isoformat())
    if chosen.to_month:
        clauses.append("month <= ?")
        parameters.append(chosen.to_month.isoformat())
    if chosen.request_type:
        clauses.append("request_type = ?")
        parameters.append(chosen.request_type.value)
    if chosen.service:
        clauses.append("service = ?")
        parameters.append(chosen.service.value)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with _connect(ledger_path) as db:
        return _records(db, where, parameters)


def find_request(ledger_path: Path, identifier: str) -> RequestRecord | None:
    """A request by its number in `cfdi-etl requests` or by SAT's IdSolicitud, with every answer."""
    with _connect(ledger_path) as db:
        if identifier.isdigit():
            found = _records(db, "WHERE rowid = ?", [int(identifier)])
        else:
            found = _records(db, "WHERE lower(id_solicitud) = lower(?)", [identifier.strip()])
        if not found:
            return None
        return replace(found[0], answers=_answers(db, found[0].entry.key))


def _answers(db: sqlite3.Connection, key: str) -> tuple[tuple[datetime, str], ...]:
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'answers'").fetchone() is None:
        return ()
    rows = db.execute(
        "SELECT answered_at, state, code, message, id_solicitud FROM answers WHERE request_key = ? "
        "ORDER BY rowid",
        [key],
    ).fetchall()
    return tuple(
        (
            datetime.fromisoformat(at),
            f"SAT answered {code} {message!r}: {state}"
            + (f" (IdSolicitud {id_solicitud})" if id_solicitud else ""),
        )
        for at, state, code, message, id_solicitud in rows
    )
