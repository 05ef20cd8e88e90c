"""The sync steps: submit-or-reuse, poll with a bounded wait, split on 5003, download each package once.

Every answer SAT gives is written to the ledger before the next call, so a crash, a rerun or a second
schedule tick continues from what is stored instead of asking SAT again.

A request SAT accepted but will not serve (its answer lost on the way so its id is unknown, SAT ended it
in state 4, 5 or 6, its packages expired or were downloaded their maximum) is not asked again with the
same parameters: SAT would answer 5005 or hand the same dead request back. A successor asks the same
documents with the period's end a second later (`successor_period`) and takes its place in the ledger.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from etl.acquire._ledger import Ledger, LedgerEntry, PackageRecord, RequestState
from etl.acquire._periods import PeriodTooSmallError, split_period, successor_period
from etl.acquire._sat_port import SatPort, SubmitAnswer, VerifyAnswer
from etl.acquire._spec import RequestSpec
from etl.acquire._store import DamagedPackageError, PackageStore, StoredPackage
from etl.sat import (
    BrokenDownloadError,
    CodEstatus,
    CodigoEstadoSolicitud,
    EstadoSolicitud,
    HttpStatusError,
    SatConnectionError,
    SatUnavailableError,
)

__all__ = ["DownloadedPackage", "PollReport", "Problem", "Sync", "SyncConfig"]


@dataclass(frozen=True, slots=True)
class SyncConfig:
    poll_wait_seconds: float = 30.0  # how long one run waits for SAT; the sensor covers longer waits
    poll_interval_seconds: float = 1.0
    stuck_after: timedelta = timedelta(hours=72)  # a request pending longer than this is reported
    lifetime_limit: int = 2  # SAT's lifetime maximum for identical parameters (5002)
    allow_repeat: bool = False  # the user's explicit say to ask SAT again past the limits here
    download_limit: int = 2  # downloads SAT serves of each package (then 5008)
    successor_limit: int = 3  # times one period is asked anew in a row before a person must say so


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
        self._lost_now: set[str] = set()  # requests whose answer was lost during this Sync (one run)

    # -- submit ---------------------------------------------------------------------------------------

    def submit(self, spec: RequestSpec, parent_key: str | None = None) -> list[LedgerEntry]:
        """The requests that answer `spec`: reused from the ledger where possible, else asked of SAT."""
        found = self.ledger.get(spec.key)
        entry = None if found is None else self.ledger.latest(found)
        if entry is not None:
            spec, parent_key = entry.spec, entry.parent_key
            if entry.state is RequestState.SPLIT:
                return [leaf for child in self.ledger.children(entry.key) for leaf in self.submit(child.spec)]
            if entry.state in (RequestState.SUBMITTED, RequestState.FINISHED, RequestState.EMPTY):
                return [entry]
            if entry.state is RequestState.EXHAUSTED:
                return self._exhausted(entry)
            if entry.state is RequestState.GONE:
                # Not replaced when it went (a limit was reached): its own parameters would get it back.
                successor = self._successor(entry)
                return [] if successor is None else self.submit(successor.spec)
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

    def _exhausted(self, entry: LedgerEntry) -> list[LedgerEntry]:
        """SAT said 5002 for these parameters: asking them again can only get 5002 again."""
        if not self.config.allow_repeat:
            self._problem(
                entry.spec,
                f"SAT said these parameters reached their lifetime maximum ({entry.last_code} "
                f"{entry.last_message!r}); not asking SAT again, which would refuse. Rerun with allow_repeat "
                "to ask for the period anew with parameters SAT has not seen.",
            )
            return []
        successor = self._successor(entry)
        return [] if successor is None else self.submit(successor.spec)

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
        elif code == CodEstatus.SOLICITUD_DUPLICADA:
            return self._lost(spec, code, message)
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

    def _lost(self, spec: RequestSpec, code: CodEstatus, message: str) -> list[LedgerEntry]:
        """5005 for a request the ledger holds no id of: SAT accepted it, but its answer never arrived.

        SAT will finish it but nobody can ask about it without its id: a successor asks the same documents.
        """
        self.ledger.record_answer(spec.key, RequestState.GONE, code=code, message=message)
        lost = self._reread(spec.key)
        self._lost_now.add(lost.key)
        if lost.replaces in self._lost_now:
            # Lost twice in one run: something keeps eating SAT's answers; the next run goes on.
            self._problem(
                spec,
                "SAT accepted this request too but its answer was lost again (5005 on asking once more); "
                "the next run asks for the period anew.",
            )
            self._successor(lost)
            return []
        self.log(
            f"SAT already has {spec.describe()} (5005) but its id never reached the ledger: SAT accepted it "
            "and the answer was lost on the way, or the process stopped first. Asking for the same "
            "documents anew, as a successor request"
        )
        successor = self._successor(lost)
        return [] if successor is None else self.submit(successor.spec)

    def _successor(self, entry: LedgerEntry) -> LedgerEntry | None:
        """Note (not ask) the request that asks anew what `entry` asked; None when a person must decide."""
        existing = self.ledger.successor(entry.key)
        if existing is not None:
            return existing
        earlier = len(self.ledger.predecessors(entry))
        if earlier >= self.config.successor_limit and not self.config.allow_repeat:
            self._problem(
                entry.spec,
                f"this period was already asked anew {earlier} times in a row and SAT did not serve it "
                f"(last answer {entry.last_code} {entry.last_message!r}); not asking again without your "
                "say: rerun with allow_repeat to insist.",
            )
            return None
        start, end = successor_period(entry.spec.start, entry.spec.end)
        while self.ledger.get(entry.spec.with_period(start, end).key) is not None:
            start, end = successor_period(start, end)
        successor = self.ledger.record_successor(entry.spec.with_period(start, end), entry)
        self.log(f"{entry.spec.describe()} is to be asked anew as {successor.spec.describe()}")
        return successor

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
            last = (
                "not asked of SAT yet"
                if entry.lifetime_requests == 0
                else f"SAT's last answer: {entry.last_code} {entry.last_message!r}"
            )
            self._problem(
                entry.spec,
                f"this request is {entry.state.value} ({last}); the partition waits until it is asked and "
                "finished",
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
            exhausted = state_code == CodigoEstadoSolicitud.SOLICITUDES_AGOTADAS
            self._record(key, RequestState.EXHAUSTED if exhausted else RequestState.GONE, answer)
            ended = f"SAT ended request {entry.id_solicitud} in state {state} ({state_code} {answer.message})"
            if exhausted:
                self._problem(entry.spec, f"{ended}: these parameters reached SAT's lifetime maximum.")
            elif self._successor(self._reread(key)) is not None:
                self._problem(entry.spec, f"{ended}; the next run asks SAT for the period anew.")
            report.unusable.append(self._reread(key))

    # -- download -------------------------------------------------------------------------------------

    def download(self, entry: LedgerEntry) -> list[DownloadedPackage]:
        """Every package of a finished request: from the store when there, else from SAT (then stored)."""
        result: list[DownloadedPackage] = []
        for record in self.ledger.packages(entry.key):
            if record.sha256 is not None and self.store.has(record.sha256):
                result.append(DownloadedPackage(entry, record.package_id, self.store.get(record.sha256)))
                continue
            stored = self._fetch(entry, record)
            if stored is None:
                # An incomplete request is not loaded: a partition holds all of a period or none of it.
                return []
            result.append(DownloadedPackage(entry, record.package_id, stored))
        return result

    def _fetch(self, entry: LedgerEntry, record: PackageRecord) -> StoredPackage | None:
        """One package streamed into the store and verified; a broken download is tried once more at most.

        Each download is counted in the ledger before SAT is asked, so neither a rerun nor a crash ever
        spends a download SAT would not give (SAT serves a package `download_limit` times).
        """
        package_id, limit = record.package_id, self.config.download_limit
        begun = record.download_attempts
        while begun < limit:
            begun = self.ledger.record_download_begun(package_id)
            with self.store.receive() as incoming:
                try:
                    answer = self.sat.download(entry.spec, package_id, incoming)
                    stored = incoming.keep() if answer.code == CodEstatus.SOLICITUD_RECIBIDA else None
                except (BrokenDownloadError, DamagedPackageError) as error:
                    self.log(f"download {begun} of {limit} of package {package_id} is not whole: {error}")
                    continue
                except (SatConnectionError, HttpStatusError, SatUnavailableError):
                    # SAT served nothing of it (the client raises these only before a package began).
                    self.ledger.record_download_begun(package_id, served=False)
                    raise
            if stored is not None:
                self.ledger.record_package_stored(package_id, stored.sha256, stored.size)
                self.log(f"downloaded package {package_id} ({stored.size:,} bytes, sha256 {stored.sha256})")
                return stored
            if answer.code in (CodEstatus.PAQUETE_NO_EXISTE, CodEstatus.MAXIMO_DE_DESCARGAS):
                self._package_gone(entry, package_id, answer.code, f"{answer.code} {answer.message}")
            else:
                self._problem(entry.spec, f"download of {package_id} failed: {answer.code} {answer.message}")
            return None
        self._package_gone(
            entry, package_id, None, f"the {limit} downloads SAT serves of it did not arrive whole"
        )
        return None

    def _package_gone(self, entry: LedgerEntry, package_id: str, code: int | None, why: str) -> None:
        """SAT will not hand this package out again: the request is asked anew by a successor."""
        self.ledger.forget_packages(entry.key)
        self.ledger.record_answer(entry.key, RequestState.GONE, code=code, message=why)
        if self._successor(self._reread(entry.key)) is not None:
            self._problem(
                entry.spec,
                f"SAT no longer serves package {package_id} ({why}); the next run asks for the period again.",
            )

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
    return f"SAT refused the request: {code} {message}"
