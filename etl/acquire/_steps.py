"""The sync steps: submit-or-reuse, poll with a bounded wait, split on 5003, download each package once.

Every answer SAT gives is written to the ledger before the next call, so a crash, a rerun or a second
schedule tick continues from what is stored instead of asking SAT again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from etl.acquire._ledger import Ledger, LedgerEntry, RequestState
from etl.acquire._periods import PeriodTooSmallError, split_period
from etl.acquire._sat_port import SatPort, SubmitAnswer, VerifyAnswer
from etl.acquire._spec import RequestSpec
from etl.acquire._store import PackageStore, StoredPackage
from etl.sat import CodEstatus, CodigoEstadoSolicitud, EstadoSolicitud

__all__ = ["DownloadedPackage", "PollReport", "Problem", "Sync", "SyncConfig"]


@dataclass(frozen=True, slots=True)
class SyncConfig:
    poll_wait_seconds: float = 30.0  # how long one run waits for SAT; the sensor covers longer waits
    poll_interval_seconds: float = 1.0
    stuck_after: timedelta = timedelta(hours=72)  # a request pending longer than this is reported
    lifetime_limit: int = 2  # SAT's lifetime maximum for identical parameters (5002)
    allow_repeat: bool = False  # the user's explicit say to ask SAT again past the lifetime maximum


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that stops one request, told in the user's terms with what to do about it."""

    spec: RequestSpec
    message: str

    def __str__(self) -> str:
        return f"{self.spec.describe()}: {self.message}"


@dataclass(slots=True)
class PollReport:
    finished: list[LedgerEntry] = field(default_factory=list)
    empty: list[LedgerEntry] = field(default_factory=list)
    pending: list[LedgerEntry] = field(default_factory=list)
    stuck: list[LedgerEntry] = field(default_factory=list)
    unusable: list[LedgerEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DownloadedPackage:
    entry: LedgerEntry
    package_id: str
    stored: StoredPackage


class Sync:
    """The steps for any number of requests.

    `problems` collects what stopped one request without stopping the others. `clock` and `sleep` pace the
    polling loop (seconds, monotonic); tests pass a clock they advance instead of waiting.
    """

    def __init__(
        self,
        ledger: Ledger,
        store: PackageStore,
        sat: SatPort,
        config: SyncConfig | None = None,
        log: Callable[[str], None] = lambda _: None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.sat = sat
        self.config = config or SyncConfig()
        self.log = log
        self._clock = clock
        self._sleep = sleep
        self.problems: list[Problem] = []

    # -- submit ---------------------------------------------------------------------------------------

    def submit(self, spec: RequestSpec, parent_key: str | None = None) -> list[LedgerEntry]:
        """The requests that answer `spec`: reused from the ledger where possible, else asked of SAT."""
        entry = self.ledger.get(spec.key)
        if entry is not None:
            if entry.state is RequestState.SPLIT:
                return [leaf for child in self.ledger.children(entry.key) for leaf in self.submit(child.spec)]
            if entry.state in (RequestState.SUBMITTED, RequestState.FINISHED, RequestState.EMPTY):
                return [entry]
            if entry.lifetime_requests >= self.config.lifetime_limit and not self.config.allow_repeat:
                self._problem(
                    spec,
                    f"SAT was already asked this {entry.lifetime_requests} times (its lifetime maximum is "
                    f"about {self.config.lifetime_limit}); last answer {entry.last_code} "
                    f"{entry.last_message!r}. "
                    "Not asking again without your say: rerun with allow_repeat to insist.",
                )
                return []
        self.ledger.record_planned(spec, parent_key)
        return self._accept(spec, entry, self.sat.submit(spec))

    def _accept(
        self, spec: RequestSpec, before: LedgerEntry | None, answer: SubmitAnswer
    ) -> list[LedgerEntry]:
        code, message = answer.code, answer.message
        if code == CodEstatus.TOPE_MAXIMO:
            return self._split(spec, code, message)
        if code == CodEstatus.SOLICITUD_RECIBIDA and answer.id_solicitud:
            self.ledger.record_answer(
                spec.key, RequestState.SUBMITTED, code=code, message=message, id_solicitud=answer.id_solicitud
            )
            self.log(f"requested {spec.describe()}: SAT accepted it as {answer.id_solicitud}")
        elif code == CodEstatus.SOLICITUD_DUPLICADA and before is not None and before.id_solicitud:
            self.ledger.record_answer(spec.key, RequestState.SUBMITTED, code=code, message=message)
            self.log(f"SAT still has {spec.describe()} active: reusing {before.id_solicitud}")
        elif code == CodEstatus.NO_SE_ENCONTRO:
            self.ledger.record_answer(spec.key, RequestState.EMPTY, code=code, message=message)
            self.log(f"SAT has nothing for {spec.describe()}")
        else:
            self.ledger.record_answer(
                spec.key,
                RequestState.EXHAUSTED if code == CodEstatus.SOLICITUDES_AGOTADAS else RequestState.FAILED,
                code=code,
                message=message,
            )
            self._problem(spec, _refusal(code, message))
            return []
        return [self._reread(spec.key)]

    def _split(self, spec: RequestSpec, code: int, message: str) -> list[LedgerEntry]:
        try:
            halves = split_period(spec.start, spec.end)
        except PeriodTooSmallError as error:
            self.ledger.record_answer(spec.key, RequestState.FAILED, code=code, message=message)
            self._problem(spec, f"SAT says too many documents (5003) and {error}")
            return []
        self.ledger.record_answer(spec.key, RequestState.SPLIT, code=code, message=message)
        self.log(f"SAT says {spec.describe()} holds too many documents: asking in {len(halves)} parts")
        leaves: list[LedgerEntry] = []
        for start, end in halves:
            child = spec.with_period(start, end)
            self.ledger.record_child(child, spec.key)
            leaves += self.submit(child, spec.key)
        return leaves

    # -- poll -----------------------------------------------------------------------------------------

    def poll(self, entries: Iterable[LedgerEntry], wait_seconds: float | None = None) -> PollReport:
        """Ask SAT about unfinished requests until all are done or `wait_seconds` have passed."""
        wait = self.config.poll_wait_seconds if wait_seconds is None else wait_seconds
        deadline = self._clock() + wait
        report = PollReport()
        waiting: list[LedgerEntry] = []
        for entry in entries:
            self._sort(entry, report, waiting)
        while waiting:
            still: list[LedgerEntry] = []
            for entry in waiting:
                self._verify(entry, report, still)
            waiting = still
            if not waiting or self._clock() + self.config.poll_interval_seconds > deadline:
                break
            self._sleep(self.config.poll_interval_seconds)
        now = datetime.now(UTC).replace(tzinfo=None)
        for entry in waiting:
            report.pending.append(entry)
            since = entry.submitted_at or entry.created_at
            if now - since > self.config.stuck_after:
                report.stuck.append(entry)
                self._problem(
                    entry.spec,
                    f"request {entry.id_solicitud} has been pending at SAT since {since:%Y-%m-%d %H:%M} UTC "
                    f"(last answer: {entry.last_message!r}); SAT may be in an outage. "
                    "It stays in the ledger.",
                )
        if report.pending:
            self.log(
                f"SAT says {len(report.pending)} request(s) still in process; the sensor keeps polling them"
            )
        return report

    def _sort(self, entry: LedgerEntry, report: PollReport, waiting: list[LedgerEntry]) -> None:
        if entry.state is RequestState.FINISHED:
            report.finished.append(entry)
        elif entry.state is RequestState.EMPTY:
            report.empty.append(entry)
        elif entry.state is RequestState.SUBMITTED:
            waiting.append(entry)
        else:
            # Failed, exhausted or never answered: loading the rest would replace rows with a partial set.
            report.unusable.append(entry)
            self._problem(
                entry.spec,
                f"this request is {entry.state.value} (SAT's last answer: {entry.last_code} "
                f"{entry.last_message!r}); the partition waits until it is asked again and finished",
            )

    def _verify(self, entry: LedgerEntry, report: PollReport, waiting: list[LedgerEntry]) -> None:
        assert entry.id_solicitud is not None
        answer = self.sat.verify(entry.spec, entry.id_solicitud)
        key, state, state_code = entry.key, answer.request_state, answer.request_state_code
        if answer.code != CodEstatus.SOLICITUD_RECIBIDA:
            self.ledger.record_answer(key, RequestState.FAILED, code=answer.code, message=answer.message)
            self._problem(
                entry.spec, f"SAT does not know request {entry.id_solicitud}: {answer.code} {answer.message}"
            )
            report.unusable.append(self._reread(key))
        elif state == EstadoSolicitud.TERMINADA:
            self.ledger.record_package_ids(key, list(answer.package_ids))
            self._record(key, RequestState.FINISHED, answer)
            self.log(
                f"SAT finished {entry.spec.describe()}: {len(answer.package_ids)} package(s), "
                f"{answer.number_cfdis:,} documents"
            )
            report.finished.append(self._reread(key))
        elif state_code == CodigoEstadoSolicitud.NO_SE_ENCONTRO:
            self._record(key, RequestState.EMPTY, answer)
            self.log(f"SAT has nothing for {entry.spec.describe()}")
            report.empty.append(self._reread(key))
        elif state_code == CodigoEstadoSolicitud.TOPE_MAXIMO:
            for leaf in self._split(entry.spec, state_code, answer.message):
                self._sort(leaf, report, waiting)
        elif not state.is_final:
            self._record(key, RequestState.SUBMITTED, answer)
            waiting.append(self._reread(key))
        else:
            final = (
                RequestState.EXHAUSTED
                if state_code == CodigoEstadoSolicitud.SOLICITUDES_AGOTADAS
                else RequestState.FAILED
            )
            self._record(key, final, answer)
            self._problem(
                entry.spec,
                f"SAT ended request {entry.id_solicitud} in state {state} ({state_code} {answer.message}); "
                "the next run asks again within SAT's lifetime maximum.",
            )
            report.unusable.append(self._reread(key))

    # -- download -------------------------------------------------------------------------------------

    def download(self, entry: LedgerEntry) -> list[DownloadedPackage]:
        """Every package of a finished request: from the store when there, else from SAT (then stored)."""
        result: list[DownloadedPackage] = []
        for record in self.ledger.packages(entry.key):
            if record.sha256 is not None and self.store.has(record.sha256):
                result.append(DownloadedPackage(entry, record.package_id, self.store.get(record.sha256)))
                continue
            answer = self.sat.download(entry.spec, record.package_id)
            if answer.code == CodEstatus.SOLICITUD_RECIBIDA and answer.package is not None:
                stored = self.store.put(answer.package)
                self.ledger.record_package_stored(record.package_id, stored.sha256, stored.size)
                self.log(f"downloaded package {record.package_id} ({stored.size:,} bytes)")
                result.append(DownloadedPackage(entry, record.package_id, stored))
                continue
            if answer.code in (CodEstatus.PAQUETE_NO_EXISTE, CodEstatus.MAXIMO_DE_DESCARGAS):
                # SAT will not hand this package out again: the request must be asked anew.
                self.ledger.forget_packages(entry.key)
                self.ledger.record_answer(
                    entry.key, RequestState.FAILED, code=answer.code, message=answer.message
                )
                self._problem(
                    entry.spec,
                    f"SAT no longer serves package {record.package_id} ({answer.code} {answer.message}); "
                    "the next run asks for the period again.",
                )
            else:
                self._problem(
                    entry.spec, f"download of {record.package_id} failed: {answer.code} {answer.message}"
                )
            # An incomplete request is not loaded: a partition holds all of a period or none of it.
            return []
        return result

    # -- helpers --------------------------------------------------------------------------------------

    def _record(self, key: str, state: RequestState, answer: VerifyAnswer) -> None:
        self.ledger.record_answer(
            key,
            state,
            code=answer.request_state_code,
            message=answer.message,
            number_cfdis=answer.number_cfdis,
        )

    def _reread(self, key: str) -> LedgerEntry:
        entry = self.ledger.get(key)
        assert entry is not None
        return entry

    def _problem(self, spec: RequestSpec, message: str) -> None:
        problem = Problem(spec, message)
        self.problems.append(problem)
        self.log(str(problem))


def _refusal(code: CodEstatus, message: str) -> str:
    if code == CodEstatus.SOLICITUDES_AGOTADAS:
        return f"SAT says these parameters reached their lifetime maximum (5002: {message})."
    if code == CodEstatus.SOLICITUD_DUPLICADA:
        return (
            "SAT has an identical request active that this ledger never recorded (made by another tool, "
            "or a crash before its id was written). Rerun after it expires (up to 72 hours)."
        )
    return f"SAT refused the request: {code} {message}"
