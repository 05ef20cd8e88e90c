"""The request cycle (`Sync`) with a fake SatPort: a real ledger and package store, no sockets, no sleeps."""

from __future__ import annotations

import io
import zipfile
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
from etl.sat import (
    BrokenDownloadError,
    CodEstatus,
    CodigoEstadoSolicitud,
    Direction,
    EstadoSolicitud,
    PackageSink,
    RequestType,
    SatConnectionError,
    Service,
)

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


def a_zip(text: str = "<cfdi/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("A.xml", text)
    return out.getvalue()


ZIP = a_zip()


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


def not_known() -> VerifyAnswer:
    """Verify refused for the call itself (CodEstatus not 5000), as SAT does at times for a live request."""
    return VerifyAnswer(
        CodEstatus.NO_SE_ENCONTRO, "No se encontró", EstadoSolicitud(0), CodigoEstadoSolicitud(0), 0, ()
    )


def rejected() -> VerifyAnswer:
    return VerifyAnswer(
        CodEstatus.SOLICITUD_RECIBIDA, "ok", EstadoSolicitud.RECHAZADA, CodigoEstadoSolicitud.ACEPTADA, 0, ()
    )


@dataclass(frozen=True)
class Served:
    """SAT serving a package: `data` written to the sink, then, if `broken`, the answer breaking off."""

    data: bytes
    broken: bool = False


def package(data: bytes = ZIP) -> Served:
    return Served(data)


def broken(data: bytes = ZIP) -> Served:
    return Served(data[: len(data) // 2], broken=True)


def refused_download(code: CodEstatus) -> DownloadAnswer:
    return DownloadAnswer(code, code.message)


@dataclass
class FakeSat:
    """SAT in memory: each call takes the next scripted answer (or asks `on_submit`), and is recorded."""

    on_submit: Callable[[RequestSpec], SubmitAnswer | Exception] | None = None
    submit_answers: list[SubmitAnswer | Exception] = field(default_factory=list)
    verify_answers: dict[str, list[VerifyAnswer]] = field(default_factory=dict)
    download_answers: dict[str, list[DownloadAnswer | Served | Exception]] = field(default_factory=dict)
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

    def download(self, spec: RequestSpec, package_id: str, sink: PackageSink) -> DownloadAnswer:
        self.downloaded.append(package_id)
        answer = self.download_answers[package_id].pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, DownloadAnswer):
            return answer
        sink.write(answer.data)
        if answer.broken:
            raise BrokenDownloadError("Descargar", len(answer.data), "the connection closed")
        return DownloadAnswer(CodEstatus.SOLICITUD_RECIBIDA, "ok")


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


# -- 5005: reuse, or a lost answer --------------------------------------------------------------------

SECOND = timedelta(seconds=1)


def test_sat_answering_duplicate_reuses_the_request_id_the_ledger_holds(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), submit_answer(CodEstatus.SOLICITUD_DUPLICADA)],
        verify_answers={"req-A": [not_known(), finished("req-A_01")]},
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


def test_a_lost_answer_to_a_request_is_recovered_at_once_by_a_successor_one_second_longer(
    ledger: Ledger, store: PackageStore
) -> None:
    # What the client sees when SAT accepted the request but the answer broke off: its retry gets 5005.
    sat = FakeSat(submit_answers=[submit_answer(CodEstatus.SOLICITUD_DUPLICADA), accepted("req-B")])
    cycle = sync(ledger, store, sat)

    entry = only(cycle.submit(TWO_DAYS))

    assert cycle.problems == []
    assert (entry.id_solicitud, entry.replaces) == ("req-B", TWO_DAYS.key)
    assert (entry.spec.start, entry.spec.end) == (TWO_DAYS.start, TWO_DAYS.end + SECOND)
    assert [spec.key for spec in sat.submitted] == [TWO_DAYS.key, entry.key]
    lost = ledger.get(TWO_DAYS.key)
    assert lost is not None
    assert (lost.state, lost.last_code, lost.id_solicitud) == (RequestState.GONE, 5005, None)
    assert [e.key for e in ledger.partition_leaves(TWO_DAYS.rfc, TWO_DAYS.month)] == [entry.key]
    # The next run's plan asks the lost parameters: the ledger answers with the successor, SAT is not asked.
    again = only(sync(ledger, store, sat).submit(TWO_DAYS))
    assert again.key == entry.key
    assert len(sat.submitted) == 2


def test_a_process_killed_between_sats_answer_and_the_ledger_write_is_recovered_by_the_next_run(
    tmp_path: Path, store: PackageStore
) -> None:
    path = tmp_path / "ledger.sqlite"
    sat = FakeSat(
        submit_answers=[
            CrashError("killed after SAT accepted"),
            submit_answer(CodEstatus.SOLICITUD_DUPLICADA),
            accepted("req-B"),
        ],
        verify_answers={"req-B": [finished("req-B_01")]},
        download_answers={"req-B_01": [package()]},
    )
    with Ledger(path) as ledger, pytest.raises(CrashError):
        sync(ledger, store, sat).submit(TWO_DAYS)

    with Ledger(path) as ledger:
        rerun = sync(ledger, store, sat)
        entry = only(rerun.submit(TWO_DAYS))
        [downloaded] = rerun.download(only(rerun.poll([entry]).finished))
        assert (entry.id_solicitud, entry.replaces) == ("req-B", TWO_DAYS.key)
        assert downloaded.package_id == "req-B_01"
        assert rerun.problems == []
        assert ledger.sat_requests_sent() == 3  # the lost one, its 5005, and the successor


def test_a_lost_part_of_a_split_period_is_replaced_in_its_parent_without_touching_the_other_part(
    ledger: Ledger, store: PackageStore
) -> None:
    day_one = TWO_DAYS.with_period(TWO_DAYS.start, datetime(2025, 1, 14, 23, 59, 59))
    answers = {TWO_DAYS.key: [submit_answer(CodEstatus.TOPE_MAXIMO)],
               day_one.key: [submit_answer(CodEstatus.SOLICITUD_DUPLICADA)]}  # fmt: skip
    ids = iter(["req-1", "req-2"])

    def answer(spec: RequestSpec) -> SubmitAnswer:
        return answers[spec.key].pop(0) if spec.key in answers else accepted(next(ids))

    sat = FakeSat(on_submit=answer)

    leaves = sync(ledger, store, sat).submit(TWO_DAYS)

    assert [(leaf.spec.start, leaf.spec.end, leaf.id_solicitud) for leaf in leaves] == [
        (day_one.start, day_one.end + SECOND, "req-1"),
        (datetime(2025, 1, 15), TWO_DAYS.end, "req-2"),
    ]
    assert [c.key for c in ledger.children(TWO_DAYS.key)] == [leaf.key for leaf in leaves]
    assert [leaf.key for leaf in sync(ledger, store, sat).submit(TWO_DAYS)] == [leaf.key for leaf in leaves]


def test_an_answer_lost_twice_in_one_run_stops_that_run_and_the_next_asks_once_more(
    ledger: Ledger, store: PackageStore
) -> None:
    duplicate = submit_answer(CodEstatus.SOLICITUD_DUPLICADA)
    sat = FakeSat(submit_answers=[duplicate, duplicate, accepted("req-C")])
    first = sync(ledger, store, sat)
    assert first.submit(TWO_DAYS) == []
    assert len(sat.submitted) == 2
    assert "lost again" in str(only_problem(first))

    entry = only(sync(ledger, store, sat).submit(TWO_DAYS))
    assert entry.id_solicitud == "req-C"
    assert entry.spec.end == TWO_DAYS.end + 2 * SECOND
    assert [len(ledger.predecessors(entry))] == [2]


def test_a_successor_whose_answer_a_crash_lost_is_itself_replaced_in_the_next_run(
    tmp_path: Path, store: PackageStore
) -> None:
    path = tmp_path / "ledger.sqlite"
    duplicate = submit_answer(CodEstatus.SOLICITUD_DUPLICADA)
    sat = FakeSat(
        submit_answers=[duplicate, CrashError("killed after SAT accepted"), duplicate, accepted("C")]
    )
    with Ledger(path) as ledger, pytest.raises(CrashError):
        sync(ledger, store, sat).submit(TWO_DAYS)

    with Ledger(path) as ledger:
        rerun = sync(ledger, store, sat)
        entry = only(rerun.submit(TWO_DAYS))
        assert (entry.id_solicitud, entry.spec.end) == ("C", TWO_DAYS.end + 2 * SECOND)
        assert rerun.problems == []


def test_a_period_asked_anew_its_limit_of_times_waits_for_a_person(
    ledger: Ledger, store: PackageStore
) -> None:
    duplicate = submit_answer(CodEstatus.SOLICITUD_DUPLICADA)
    sat = FakeSat(submit_answers=[duplicate, duplicate])
    cycle = sync(ledger, store, sat, SyncConfig(successor_limit=1))
    assert cycle.submit(TWO_DAYS) == []
    assert len(sat.submitted) == 2
    assert any("asked anew 1 times in a row" in str(p) for p in cycle.problems)
    assert sync(ledger, store, sat, SyncConfig(successor_limit=1)).submit(TWO_DAYS) == []
    assert len(sat.submitted) == 2


# -- 5007 / 5008: packages SAT no longer serves --------------------------------------------------------


def test_an_expired_package_makes_the_next_run_ask_sat_for_the_period_anew_as_a_successor(
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
    assert (gone.state, gone.last_code) == (RequestState.GONE, 5007)
    assert ledger.packages(TWO_DAYS.key) == []
    assert "next run asks for the period again" in str(only_problem(first))

    second = sync(ledger, store, sat)
    entry = only(second.submit(TWO_DAYS))
    assert (entry.state, entry.id_solicitud, entry.lifetime_requests) == (RequestState.SUBMITTED, "req-B", 1)
    assert (entry.replaces, entry.spec.end) == (TWO_DAYS.key, TWO_DAYS.end + SECOND)
    [downloaded] = second.download(only(second.poll([entry]).finished))

    assert downloaded.package_id == "req-B_01"
    assert sat.downloaded == ["req-A_01", "req-B_01"]
    assert second.problems == []


def test_after_5008_the_old_requests_stored_packages_are_not_listed_beside_the_new_ones(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [finished("req-A_01", "req-A_02")], "req-B": [finished("req-B_01")]},
        download_answers={
            "req-A_01": [package(a_zip("one"))],
            "req-A_02": [refused_download(CodEstatus.MAXIMO_DE_DESCARGAS)],
            "req-B_01": [package(a_zip("both"))],
        },
    )
    first = sync(ledger, store, sat)
    assert first.download(only(first.poll(first.submit(TWO_DAYS)).finished)) == []
    assert "no longer serves package req-A_02 (5008" in str(only_problem(first))

    second = sync(ledger, store, sat)
    successor = only(second.poll(second.submit(TWO_DAYS)).finished)
    assert [p.package_id for p in second.download(successor)] == ["req-B_01"]
    assert [p.package_id for leaf in ledger.partition_leaves(TWO_DAYS.rfc, TWO_DAYS.month)
            for p in ledger.packages(leaf.key)] == ["req-B_01"]  # fmt: skip
    assert sat.verified == ["req-A", "req-B"]


def test_a_rerun_with_allow_repeat_never_asks_about_the_dead_request_again(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [finished("req-A_01")], "req-B": [finished("req-B_01")]},
        download_answers={"req-A_01": [refused_download(CodEstatus.MAXIMO_DE_DESCARGAS)]},
    )
    first = sync(ledger, store, sat)
    first.download(only(first.poll(first.submit(TWO_DAYS)).finished))

    again = sync(ledger, store, sat, SyncConfig(allow_repeat=True))
    entry = only(again.poll(again.submit(TWO_DAYS)).finished)
    assert entry.id_solicitud == "req-B"
    assert sat.verified == ["req-A", "req-B"]


# -- downloads: streamed, verified, a broken one tried once more ---------------------------------------


def test_a_broken_download_is_tried_once_more_and_only_the_whole_package_is_kept(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A")],
        verify_answers={"req-A": [finished("req-A_01")]},
        download_answers={"req-A_01": [broken(), package()]},
    )
    cycle = sync(ledger, store, sat)
    [downloaded] = cycle.download(only(cycle.poll(cycle.submit(TWO_DAYS)).finished))

    assert downloaded.stored.path.read_bytes() == ZIP
    assert [p.name for p in store.root.iterdir()] == [downloaded.stored.path.name]
    [record] = ledger.packages(TWO_DAYS.key)
    assert (record.download_attempts, record.sha256) == (2, downloaded.stored.sha256)
    assert cycle.problems == []


def test_what_is_not_a_readable_zip_counts_as_a_broken_download(ledger: Ledger, store: PackageStore) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A")],
        verify_answers={"req-A": [finished("req-A_01")]},
        download_answers={"req-A_01": [package(b"PK\x03\x04 not a zip"), package()]},
    )
    cycle = sync(ledger, store, sat)
    [downloaded] = cycle.download(only(cycle.poll(cycle.submit(TWO_DAYS)).finished))
    assert downloaded.stored.path.read_bytes() == ZIP
    assert sat.downloaded == ["req-A_01", "req-A_01"]


def test_two_broken_downloads_hand_the_period_to_a_successor_without_a_third_download(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [finished("req-A_01")], "req-B": [finished("req-B_01")]},
        download_answers={"req-A_01": [broken(), broken()], "req-B_01": [package()]},
    )
    first = sync(ledger, store, sat)
    finished_a = only(first.poll(first.submit(TWO_DAYS)).finished)
    assert first.download(finished_a) == []
    assert "did not arrive whole" in str(only_problem(first))
    assert (
        sync(ledger, store, sat).download(finished_a) == []
    )  # a stale caller: SAT is not asked a third time

    second = sync(ledger, store, sat)
    [downloaded] = second.download(only(second.poll(second.submit(TWO_DAYS)).finished))
    assert downloaded.package_id == "req-B_01"
    assert sat.downloaded == ["req-A_01", "req-A_01", "req-B_01"]
    assert list(store.root.glob(".incoming-*")) == []


def test_a_download_begun_before_a_crash_counts_so_the_rerun_tries_only_once_more(
    tmp_path: Path, store: PackageStore
) -> None:
    path = tmp_path / "ledger.sqlite"
    sat = FakeSat(
        submit_answers=[accepted("req-A")],
        verify_answers={"req-A": [finished("req-A_01")]},
        download_answers={"req-A_01": [broken()]},
    )
    with Ledger(path) as ledger:
        cycle = sync(ledger, store, sat)
        entry = only(cycle.poll(cycle.submit(TWO_DAYS)).finished)
        sat.download_answers["req-A_01"] = []  # the process dies inside the first download
        with pytest.raises(IndexError):
            cycle.download(entry)
    sat.download_answers["req-A_01"] = [broken()]
    with Ledger(path) as ledger:
        rerun = sync(ledger, store, sat)
        assert rerun.download(entry) == []
        assert sat.downloaded == ["req-A_01", "req-A_01"]
        assert ledger.successor(TWO_DAYS.key) is not None


def test_a_download_sat_never_began_to_serve_is_not_counted_against_its_two(
    ledger: Ledger, store: PackageStore
) -> None:
    unreachable = SatConnectionError("Descargar", "https://sat.example", "connection refused")
    sat = FakeSat(
        submit_answers=[accepted("req-A")],
        verify_answers={"req-A": [finished("req-A_01")]},
        download_answers={"req-A_01": [unreachable, broken(), package()]},
    )
    cycle = sync(ledger, store, sat)
    entry = only(cycle.poll(cycle.submit(TWO_DAYS)).finished)
    with pytest.raises(SatConnectionError):
        cycle.download(entry)
    [downloaded] = sync(ledger, store, sat).download(entry)
    assert downloaded.stored.path.read_bytes() == ZIP
    assert [p.download_attempts for p in ledger.packages(TWO_DAYS.key)] == [2]


# -- the lifetime limit -------------------------------------------------------------------------------


def test_a_request_asked_its_lifetime_maximum_is_refused_without_calling_sat(
    ledger: Ledger, store: PackageStore
) -> None:
    refused = submit_answer(CodEstatus.TERCERO_NO_AUTORIZADO)
    sat = FakeSat(submit_answers=[refused, refused])
    for _ in range(2):
        sync(ledger, store, sat).submit(TWO_DAYS)

    third = sync(ledger, store, sat)
    assert third.submit(TWO_DAYS) == []
    assert len(sat.submitted) == 2
    assert "lifetime maximum is about 2" in str(only_problem(third))
    assert ledger.sat_requests_sent() == 2


def test_allow_repeat_asks_sat_again_past_the_lifetime_maximum(ledger: Ledger, store: PackageStore) -> None:
    sat = FakeSat(submit_answers=[submit_answer(CodEstatus.TERCERO_NO_AUTORIZADO), accepted("req-B")])
    sync(ledger, store, sat, SyncConfig(lifetime_limit=1)).submit(TWO_DAYS)

    again = sync(ledger, store, sat, SyncConfig(lifetime_limit=1, allow_repeat=True))
    entry = only(again.submit(TWO_DAYS))
    assert (entry.id_solicitud, entry.lifetime_requests) == ("req-B", 2)


def test_after_5002_the_next_run_does_not_ask_sat_again(ledger: Ledger, store: PackageStore) -> None:
    sat = FakeSat(submit_answers=[submit_answer(CodEstatus.SOLICITUDES_AGOTADAS), accepted("req-B")])
    assert sync(ledger, store, sat).submit(TWO_DAYS) == []

    rerun = sync(ledger, store, sat)
    assert rerun.submit(TWO_DAYS) == []
    assert len(sat.submitted) == 1
    assert "not asking SAT again" in str(only_problem(rerun))

    insisted = only(sync(ledger, store, sat, SyncConfig(allow_repeat=True)).submit(TWO_DAYS))
    assert (insisted.id_solicitud, insisted.replaces) == ("req-B", TWO_DAYS.key)


def test_a_request_sat_ended_is_asked_anew_by_a_successor_with_its_own_submitted_at(
    ledger: Ledger, store: PackageStore
) -> None:
    sat = FakeSat(
        submit_answers=[accepted("req-A"), accepted("req-B")],
        verify_answers={"req-A": [rejected()], "req-B": [in_process()]},
    )
    first = sync(ledger, store, sat)
    first.poll(first.submit(TWO_DAYS))
    # Days pass before the rerun: the first request's time must not count against the new one.
    ledger._db.execute(
        "UPDATE requests SET submitted_at = '2020-01-01T00:00:00', created_at = '2020-01-01T00:00:00'"
    )

    second = sync(ledger, store, sat, SyncConfig(stuck_after=timedelta(hours=1)))
    report = second.poll(second.submit(TWO_DAYS), wait_seconds=0)
    [pending] = report.pending
    assert (pending.id_solicitud, pending.replaces) == ("req-B", TWO_DAYS.key)
    assert pending.submitted_at is not None
    assert pending.submitted_at > datetime(2025, 1, 1)
    assert report.stuck == []


def test_a_request_asked_again_under_its_own_parameters_gets_its_own_submitted_at(ledger: Ledger) -> None:
    ledger.record_planned(TWO_DAYS)
    ledger.record_answer(TWO_DAYS.key, RequestState.SUBMITTED, code=5000, message="ok", id_solicitud="req-A")
    ledger._db.execute("UPDATE requests SET submitted_at = '2020-01-01T00:00:00'")
    ledger.record_answer(TWO_DAYS.key, RequestState.SUBMITTED, code=5005, message="dup")
    kept = ledger.get(TWO_DAYS.key)
    assert kept is not None
    assert kept.submitted_at == datetime(2020, 1, 1)

    ledger.record_planned(TWO_DAYS)
    ledger.record_answer(TWO_DAYS.key, RequestState.SUBMITTED, code=5000, message="ok", id_solicitud="req-B")
    asked_again = ledger.get(TWO_DAYS.key)
    assert asked_again is not None
    assert asked_again.submitted_at is not None
    assert asked_again.submitted_at > datetime(2025, 1, 1)


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
