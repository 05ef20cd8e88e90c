"""Asking SAT's status service about the warehouse's documents whose state can still change, and
recording every answer: the one routine behind `cfdi-etl status check` and the `sat_status` asset.

What is asked: CFDI (received and issued) of the loaded RFCs, of the months given or else of the last
`StatusSettings.months` months, or the UUIDs given; never one the warehouse already knows cancelled
(final at SAT). Answers are recorded in batches as they come, so an interruption keeps what was asked.

At one call a second a check takes minutes, so the warehouse (one writer at a time) is not held while
SAT is asked: it is opened to select, then for each batch of answers, then to publish. A batch that
finds the writer busy (a load) stays pending and is written with the next one; the last one waits for
the writer, at most `writer_wait_seconds`.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from etl.sat import mexico_now
from etl.status import (
    CheckResult,
    DocumentRef,
    InvalidDocumentRefError,
    StatusClient,
    StatusServiceError,
)
from warehouse import (
    DEFAULT_LOCK_WAIT_SECONDS,
    STATUS_ANSWER_COLUMNS,
    Warehouse,
    WarehouseError,
    WarehouseLockedError,
)

__all__ = ["RfcStatusSummary", "StatusCheckReport", "check_statuses", "first_month_of_window"]

_BATCH = 200
_WRITER_RETRY_SECONDS = 5.0
# A service that stops answering mid-check: give up after this many documents in a row, each retried.
_GIVE_UP_AFTER = 5


def first_month_of_window(today: date, months: int) -> date:
    """The first day of the oldest of the last `months` months, this one included."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class RfcStatusSummary:
    """What one status check did for one loaded RFC."""

    rfc: str
    checked: int = 0
    already_cancelled: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(self.changes.values())

    def line(self) -> str:
        text = f"{self.rfc}: {self.checked:,} checked, {self.changed:,} changed"
        if self.changes:
            text += " (" + "; ".join(f"{what}: {n:,}" for what, n in sorted(self.changes.items())) + ")"
        text += f", {len(self.errors):,} error(s)"
        if self.already_cancelled:
            text += f"; {self.already_cancelled:,} already known cancelled, not asked"
        return text


@dataclass
class StatusCheckReport:
    check_id: str
    summaries: dict[str, RfcStatusSummary] = field(default_factory=dict)
    unknown_uuids: list[str] = field(default_factory=list)

    def summary(self, rfc: str) -> RfcStatusSummary:
        return self.summaries.setdefault(rfc, RfcStatusSummary(rfc))

    @property
    def checked(self) -> int:
        return sum(s.checked for s in self.summaries.values())

    @property
    def changed(self) -> int:
        return sum(s.changed for s in self.summaries.values())

    @property
    def errors(self) -> int:
        return sum(len(s.errors) for s in self.summaries.values())


def _state(estatus: object, cancelacion: object) -> str:
    """`vigente`, `En proceso`, `Solicitud rechazada`, `cancelado (Plazo vencido)`: how a person says it."""
    if not cancelacion:
        return str(estatus)
    return str(cancelacion) if estatus == "vigente" else f"{estatus} ({cancelacion})"


def _change(row: dict[str, object]) -> str | None:
    before = _state(row["estatus_anterior"], row["estatus_cancelacion_anterior"])
    after = _state(row["estatus"], row["estatus_cancelacion"])
    # A document the warehouse held no status for (XML without metadata) is seen, not changed.
    if row["estatus_anterior"] is None or before == after:
        return None
    return f"{before} → {after}"


def _answer_row(result: CheckResult, rfc: str, direction: str, check_id: str) -> dict[str, object]:
    answer = result.answer
    assert answer is not None
    return {
        "uuid": result.ref.uuid,
        "estatus": answer.estado.estatus,
        "visto_desde": result.checked_at,
        "load_id": check_id,
        "rfc": rfc,
        "direction": direction,
        "es_cancelable": answer.es_cancelable.value or None,
        "estatus_cancelacion": answer.estatus_cancelacion.value or None,
        "validacion_efos": answer.validacion_efos.code or None,
        "codigo_estatus": answer.codigo_estatus,
    }


def _refs(rows: Iterable[dict[str, object]], report: StatusCheckReport) -> Iterator[DocumentRef]:
    for row in rows:
        try:
            yield DocumentRef(
                str(row["uuid"]),
                str(row["rfc_emisor"] or ""),
                str(row["rfc_receptor"] or ""),
                row["total"],  # type: ignore[arg-type]
                None if row["version"] is None else str(row["version"]),
            )
        except InvalidDocumentRefError as error:
            report.summary(str(row["rfc"])).errors.append(str(error))


def check_statuses(
    warehouse: Path,
    client: StatusClient,
    *,
    rfcs: Sequence[str] = (),
    months: Sequence[date] = (),
    window_months: int = 3,
    uuids: Sequence[str] = (),
    today: date | None = None,
    writer_wait_seconds: float = 600.0,
    lock_wait: float = DEFAULT_LOCK_WAIT_SECONDS,
) -> StatusCheckReport:
    """Ask about every candidate, record the answers and publish; StatusServiceError if the service is
    unreachable (the first document is asked alone, so a service that is down costs one document's
    retries); WarehouseError if the warehouse cannot be opened for writing (within `lock_wait` seconds,
    `CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS` from the caller's settings)."""
    report = StatusCheckReport(f"consulta-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}")
    since = None if months or uuids else first_month_of_window(today or mexico_now().date(), window_months)
    with Warehouse.open(warehouse, lock_wait=lock_wait) as wh:
        candidates = wh.status_candidates(rfcs=rfcs, months=months, since=since, uuids=uuids)
    found = set(candidates["uuid"].to_list())
    report.unknown_uuids = [u for u in uuids if u.lower() not in found]
    owners: dict[str, tuple[str, str]] = {}
    for row in candidates.iter_rows(named=True):
        summary = report.summary(row["rfc"])
        if row["cancelado"]:
            summary.already_cancelled += 1
        else:
            owners[row["uuid"]] = (row["rfc"], row["direction"])
    refs = list(_refs(candidates.filter(~pl.col("cancelado")).iter_rows(named=True), report))
    if not refs:
        return report
    probe = list(client.check_many(refs[:1]))
    if probe[0].transient:
        raise StatusServiceError(f"{probe[0].error}; no status was checked", transient=True)
    recorder = _Recorder(warehouse, report)
    failing: list[str] = []
    for result in _chain(probe, client.check_many(refs[1:])):
        rfc, direction = owners[result.ref.uuid]
        summary = report.summary(rfc)
        failing = [*failing, result.error or ""] if result.transient else []
        if len(failing) >= _GIVE_UP_AFTER:
            break
        if result.answer is None or result.answer.invalid_expression:
            refused = result.answer.codigo_estatus if result.answer else ""
            summary.errors.append(
                f"{result.ref.uuid}: {result.error or 'SAT refused the expression: ' + refused}"
            )
            continue
        recorder.add(_answer_row(result, rfc, direction, report.check_id))
    recorder.finish(writer_wait_seconds)
    if len(failing) >= _GIVE_UP_AFTER:
        raise StatusServiceError(
            f"{failing[-1]}; stopped after {_GIVE_UP_AFTER} documents in a row could not be checked "
            f"({report.checked:,} answers recorded before)",
            transient=True,
        )
    return report


def _chain(first: list[CheckResult], rest: Iterator[CheckResult]) -> Iterator[CheckResult]:
    yield from first
    yield from rest


class _Recorder:
    """Answers waiting to be written; written in batches whenever the writer is free."""

    def __init__(self, warehouse: Path, report: StatusCheckReport) -> None:
        self._warehouse = warehouse
        self._report = report
        self._pending: list[dict[str, object]] = []

    def add(self, row: dict[str, object]) -> None:
        self._pending.append(row)
        if len(self._pending) % _BATCH == 0:
            self._write(publish=False)

    def finish(self, wait_seconds: float) -> None:
        waited = 0.0
        while not self._write(publish=True):
            if waited >= wait_seconds:
                raise WarehouseError(
                    f"{self._warehouse} stayed busy for {wait_seconds:.0f} s; {len(self._pending):,} "
                    "answers were not recorded (run the check again)"
                )
            time.sleep(_WRITER_RETRY_SECONDS)
            waited += _WRITER_RETRY_SECONDS

    def _write(self, *, publish: bool) -> bool:
        """Write what is pending (and publish); False when another process holds the writer."""
        if not self._pending and not (publish and self._report.checked):
            return True
        try:
            # no wait here: a batch that finds the writer busy is written with the next one
            with Warehouse.open(self._warehouse, lock_wait=0) as wh:
                if self._pending:
                    frame = pl.DataFrame(self._pending).select(STATUS_ANSWER_COLUMNS)
                    recorded = wh.record_status_answers(frame)
                    self._pending.clear()
                    self._count(recorded)
                if publish:
                    wh.publish()
        except WarehouseLockedError:
            return False
        return True

    def _count(self, recorded: pl.DataFrame) -> None:
        for row in recorded.iter_rows(named=True):
            summary = self._report.summary(row["rfc"])
            summary.checked += 1
            change = _change(row)
            if change is not None:
                summary.changes[change] += 1
