"""The request cycle (`Sync`) with a fake SatPort: a real ledger and package store, no sockets, no sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from etl.acquire import (
    DownloadAnswer,
    Ledger,
    LedgerEntry,
    PackageStore,
    Problem,
    RequestSpec,
    RequestState,
    SubmitAnswer,
    Sync,
    SyncConfig,
    VerifyAnswer,
)
from etl.sat import CodEstatus, CodigoEstadoSolicitud, Direction, EstadoSolicitud, RequestType, Service

__all__: list[str] = []

TWO_DAYS = RequestSpec(
    rfc="EKU9003173C9",
    service=Service.CFDI,
    direction=Direction.ISSUED,
    request_type=RequestType.METADATA,
    start=datetime(2025, 1, 14),
    end=datetime(2025, 1, 15, 23, 59, 59),
    month=date(2025, 1, 1),
)
ZIP = b"PK\x03\x04 a package"


class CrashError(Exception):
    """The process dying between sending a call and reading SAT's answer."""


def accepted(request_id: str) -> SubmitAnswer:
    return SubmitAnswer(CodEstatus.SOLICITUD_RECIBIDA, "Solicitud Aceptada", request_id)


def submit_answer(code: CodEstatus) -> SubmitAnswer:
    return SubmitAnswer(code, code.message, None)


def in_process() -> VerifyAnswer:
    return VerifyAnswer(
        CodEstatus.SOLICITUD_RECIBIDA, "ok", EstadoSolicitud.EN_PROCESO, CodigoEstadoSolicitud.ACEPTADA, 0, ()
    )


def finished(*package_ids: str) -> VerifyAnswer:
    return VerifyAnswer(
        CodEstatus.SOLICITUD_RECIBIDA,
        "ok",
        EstadoSolicitud.TERMINADA,
        CodigoEstadoSolicitud.ACEPTADA,
        10 * len(package_ids),
        package_ids,
    )


def rejected() -> VerifyAnswer:
    return VerifyAnswer(
        CodEstatus.SOLICITUD_RECIBIDA, "ok", EstadoSolicitud.RECHAZADA, CodigoEstadoSolicitud.ACEPTADA, 0, ()
    )


def package(data: bytes = ZIP) -> DownloadAnswer:
    return DownloadAnswer(CodEstatus.SOLICITUD_RECIBIDA, "ok", data)


def refused_download(code: CodEstatus) -> DownloadAnswer:
    return DownloadAnswer(code, code.message, None)


@dataclass
class FakeSat:
    """SAT in memory: each call takes the next scripted answer (or asks `on_submit`), and is recorded."""

    on_submit: Callable[[RequestSpec], SubmitAnswer | Exception] | None = None
    submit_answers: list[SubmitAnswer | Exception] = field(default_factory=list)
    verify_answers: dict[str, list[VerifyAnswer]] = field(default_factory=dict)
    download_answers: dict[str, list[DownloadAnswer]] = field(default_factory=dict)
    submitted: list[RequestSpec] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)

    def submit(self, spec: RequestSpec) -> SubmitAnswer:
        self.submitted.append(spec)
        answer = self.on_submit(spec) if self.on_submit else self.submit_answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def verify(self, spec: RequestSpec, id_solicitud: str) -> VerifyAnswer:
        self.verified.append(id_solicitud)
        return self.verify_answers[id_solicitud].pop(0)

    def download(self, spec: RequestSpec, package_id: str) -> DownloadAnswer:
        self.downloaded.append(package_id)
        return self.download_answers[package_id].pop(0)


@dataclass
class Clock:
    """A monotonic clock that moves only when the cycle sleeps."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "ledger.sqlite") as opened:
        yield opened


@pytest.fixture
def store(tmp_path: Path) -> PackageStore:
    return PackageStore(tmp_path / "packages")


def sync(ledger: Ledger, store: PackageStore, sat: FakeSat, config: SyncConfig | None = None) -> Sync:
    clock = Clock()
    return Sync(ledger, store, sat, config, clock=clock, sleep=clock.sleep)


def only(entries: list[LedgerEntry]) -> LedgerEntry:
    assert len(entries) == 1
    return entries[0]


# -- 5003: split ---------------------------------------------------------------------------------------


def test_a_period_sat_finds_too_large_is_split_down_to_one_hour_requests(
    ledger: Ledger, store: PackageStore
) -> None:
    ids = iter(range(1000))

    def answer(spec: RequestSpec) -> SubmitAnswer:
        if spec.end - spec.start >= timedelta(hours=1):
            return submit_answer(CodEstatus.TOPE_MAXIMO)
        return accepted(f"id-{next(ids)}")

    sat = FakeSat(on_submit=answer)
    leaves = sync(ledger, store, sat).submit(TWO_DAYS)

    periods = [(leaf.spec.start, leaf.spec.end) for leaf in leaves]
    hour = timedelta(hours=1)
    assert periods == [
        (TWO_DAYS.start + n * hour, TWO_DAYS.start + (n + 1) * hour - timedelta(seconds=1)) for n in range(48)
    ]
    assert {leaf.state for leaf in leaves} == {RequestState.SUBMITTED}
    root = ledger.get(TWO_DAYS.key)
    assert root is not None
    assert (root.state, root.last_code) == (RequestState.SPLIT, 5003)
    assert [(c.spec.start, c.spec.end) for c in ledger.children(TWO_DAYS.key)] == [
        (datetime(2025, 1, 14), datetime(2025, 1, 14, 23, 59, 59)),
        (datetime(2025, 1, 15), datetime(2025, 1, 15, 23, 59, 59)),
    ]
    assert [leaf.key for leaf in ledger.leaves(root)] == [leaf.key for leaf in leaves]
    # Every period asked once: 48 leaves and the 47 periods above them.
    assert len(sat.submitted) == len({spec.key for spec in sat.submitted}) == 95


def test_a_split_request_is_answered_from_the_ledger_without_asking_sat_again(
    ledger: Ledger, store: PackageStore
) -> None:
    ids = iter(range(1000))

    def answer(spec: RequestSpec) -> SubmitAnswer:
        if spec.end - spec.start >= timedelta(days=1):
            return submit_answer(CodEstatus.TOPE_MAXIMO)
        return accepted(f"id-{next(ids)}")

    sat = FakeSat(on_submit=answer)
    first = sync(ledger, store, sat).submit(TWO_DAYS)
    asked = len(sat.submitted)
    again = sync(ledger, store, sat).submit(TWO_DAYS)

    assert [leaf.id_solicitud for leaf in again] == [leaf.id_solicitud for leaf in first] == ["id-0", "id-1"]
    assert len(sat.submitted) == asked


# -- 5005: reuse ---------------------------------------------------------------------------------------


def test_sat_answering_duplicate_reuses_the_request_id_the_ledger_holds(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), submit_answer(CodEstatus.SOLICITUD_DUPLICADA)],
        verify_answers={"req-A": [rejected(), finished("req-A_01")]},
        download_answers={"req-A_01": [package()]},
    )
    first = sync(ledger, store, sat)
    report = first.poll(first.submit(TWO_DAYS))
    assert [e.state for e in report.unusable] == [RequestState.FAILED]

    second = sync(ledger, store, sat)
    entry = only(second.submit(TWO_DAYS))
    assert (entry.state, entry.id_solicitud, entry.last_code) == (RequestState.SUBMITTED, "req-A", 5005)
    assert second.problems == []
    polled = only(second.poll([entry]).finished)
    [downloaded] = second.download(polled)

    assert sat.verified == ["req-A", "req-A"]
    assert downloaded.package_id == "req-A_01"
    assert downloaded.stored.path.read_bytes() == ZIP


def test_a_duplicate_for_a_request_the_ledger_never_recorded_is_a_problem_not_a_retry(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(submit_answers=[submit_answer(CodEstatus.SOLICITUD_DUPLICADA)])
    cycle = sync(ledger, store, sat)

    assert cycle.submit(TWO_DAYS) == []
    entry = ledger.get(TWO_DAYS.key)
    assert entry is not None
    assert (entry.state, entry.last_code, entry.id_solicitud) == (RequestState.FAILED, 5005, None)
    assert "identical request active" in str(only_problem(cycle))


# -- 5007 / 5008: packages SAT no longer serves --------------------------------------------------------


def test_an_expired_package_makes_the_next_run_ask_sat_for_the_period_again(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [finished("req-A_01")], "req-B": [finished("req-B_01")]},
        download_answers={
            "req-A_01": [refused_download(CodEstatus.PAQUETE_NO_EXISTE)],
            "req-B_01": [package()],
        },
    )
    first = sync(ledger, store, sat)
    assert first.download(only(first.poll(first.submit(TWO_DAYS)).finished)) == []
    gone = ledger.get(TWO_DAYS.key)
    assert gone is not None
    assert (gone.state, gone.last_code) == (RequestState.FAILED, 5007)
    assert ledger.packages(TWO_DAYS.key) == []
    assert "next run asks for the period again" in str(only_problem(first))

    second = sync(ledger, store, sat)
    entry = only(second.submit(TWO_DAYS))
    assert (entry.state, entry.id_solicitud, entry.lifetime_requests) == (RequestState.SUBMITTED, "req-B", 2)
    [downloaded] = second.download(only(second.poll([entry]).finished))

    assert downloaded.package_id == "req-B_01"
    assert sat.downloaded == ["req-A_01", "req-B_01"]
    assert second.problems == []


def test_a_package_downloaded_its_maximum_times_stops_the_request_without_a_partial_result(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A")],
        verify_answers={"req-A": [finished("req-A_01", "req-A_02", "req-A_03")]},
        download_answers={
            "req-A_01": [package(b"PK\x03\x04 one")],
            "req-A_02": [refused_download(CodEstatus.MAXIMO_DE_DESCARGAS)],
        },
    )
    cycle = sync(ledger, store, sat)

    assert cycle.download(only(cycle.poll(cycle.submit(TWO_DAYS)).finished)) == []
    assert sat.downloaded == ["req-A_01", "req-A_02"]
    entry = ledger.get(TWO_DAYS.key)
    assert entry is not None
    assert (entry.state, entry.last_code) == (RequestState.FAILED, 5008)
    assert "no longer serves package req-A_02 (5008" in str(only_problem(cycle))
    # The next poll leaves the request alone (it waits to be asked again) and SAT is not called.
    report = sync(ledger, store, sat).poll([entry])
    assert [e.key for e in report.unusable] == [entry.key]
    assert sat.verified == ["req-A"]


# -- the lifetime limit -------------------------------------------------------------------------------


def test_a_request_asked_its_lifetime_maximum_is_refused_without_calling_sat(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [rejected()], "req-B": [rejected()]},
    )
    for _ in range(2):
        cycle = sync(ledger, store, sat)
        cycle.poll(cycle.submit(TWO_DAYS))

    third = sync(ledger, store, sat)
    assert third.submit(TWO_DAYS) == []
    assert len(sat.submitted) == 2
    assert "lifetime maximum is about 2" in str(only_problem(third))
    assert ledger.sat_requests_sent() == 2


def test_allow_repeat_asks_sat_again_past_the_lifetime_maximum(ledger: Ledger, store: PackageStore) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [rejected()]},
    )
    first = sync(ledger, store, sat, SyncConfig(lifetime_limit=1))
    first.poll(first.submit(TWO_DAYS))

    again = sync(ledger, store, sat, SyncConfig(lifetime_limit=1, allow_repeat=True))
    entry = only(again.submit(TWO_DAYS))
    assert (entry.id_solicitud, entry.lifetime_requests) == ("req-B", 2)


# -- a crash between the call and the answer ----------------------------------------------------------


def test_a_crash_before_sats_answer_counts_the_attempt_and_a_new_sync_resumes_within_the_limit(
    tmp_path: Path, store: PackageStore
) -> None:
    path = tmp_path / "ledger.sqlite"
    sat = FakeSat(
        submit_answers=[CrashError("killed mid-call"), accepted("req-B")],
        verify_answers={"req-B": [finished("req-B_01")]},
        download_answers={"req-B_01": [package()]},
    )
    with Ledger(path) as ledger, pytest.raises(CrashError):
        sync(ledger, store, sat).submit(TWO_DAYS)

    with Ledger(path) as ledger:
        crashed = ledger.get(TWO_DAYS.key)
        assert crashed is not None
        assert (crashed.state, crashed.lifetime_requests) == (RequestState.PLANNED, 1)

        resumed = sync(ledger, store, sat)
        entry = only(resumed.submit(TWO_DAYS))
        [downloaded] = resumed.download(only(resumed.poll([entry]).finished))

        assert (entry.id_solicitud, entry.lifetime_requests) == ("req-B", 2)
        assert downloaded.package_id == "req-B_01"
        assert ledger.sat_requests_sent() == 2
        assert resumed.problems == []


def test_crashes_up_to_the_lifetime_maximum_leave_the_next_sync_refusing_instead_of_asking_again(
    tmp_path: Path, store: PackageStore
) -> None:
    path = tmp_path / "ledger.sqlite"
    sat = FakeSat(submit_answers=[CrashError("killed"), CrashError("killed again")])
    for _ in range(2):
        with Ledger(path) as ledger, pytest.raises(CrashError):
            sync(ledger, store, sat).submit(TWO_DAYS)

    with Ledger(path) as ledger:
        cycle = sync(ledger, store, sat)
        assert cycle.submit(TWO_DAYS) == []
        assert ledger.sat_requests_sent() == 2
    assert len(sat.submitted) == 2
    assert "asked this 2 times" in str(only_problem(cycle))


# -- polling paced by the injected clock ---------------------------------------------------------------


def test_polling_waits_on_the_injected_clock_until_sat_finishes(ledger: Ledger, store: PackageStore) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A")],
        verify_answers={"req-A": [in_process(), in_process(), finished("req-A_01")]},
    )
    clock = Clock()
    cycle = Sync(ledger, store, sat, SyncConfig(poll_interval_seconds=5.0), clock=clock, sleep=clock.sleep)

    report = cycle.poll(cycle.submit(TWO_DAYS), wait_seconds=60)

    assert [e.id_solicitud for e in report.finished] == ["req-A"]
    assert clock.slept == [5.0, 5.0]
    assert report.pending == []


def test_polling_gives_up_at_the_wait_and_leaves_the_request_pending(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(submit_answers=[accepted("req-A")], verify_answers={"req-A": [in_process()] * 10})
    clock = Clock()
    cycle = Sync(ledger, store, sat, SyncConfig(poll_interval_seconds=5.0), clock=clock, sleep=clock.sleep)

    report = cycle.poll(cycle.submit(TWO_DAYS), wait_seconds=12)

    assert [e.id_solicitud for e in report.pending] == ["req-A"]
    assert clock.slept == [5.0, 5.0]
    assert sat.verified == ["req-A"] * 3
    entry = ledger.get(TWO_DAYS.key)
    assert entry is not None
    assert entry.state is RequestState.SUBMITTED


def only_problem(cycle: Sync) -> Problem:
    assert len(cycle.problems) == 1
    return cycle.problems[0]
