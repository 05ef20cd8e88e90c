"""A status check end to end: the sandbox's metadata loaded as of one day, SAT's status service asked a
month later, every answer in the warehouse and the changes counted per RFC."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assets.status_checks import check_statuses, first_month_of_window
from etl.status import StatusClient, StatusRetry, StatusServiceError
from sandbox import Fault, Operation, SandboxServer
from sandbox.corpus import CorpusQuery
from tests.etl.status._cases import (
    RFC,
    FakeClock,
    corpus,
    epoch,
    load_metadata,
    status_sandbox,
)
from warehouse import Warehouse, WarehouseError, published_path

MAY, JUNE = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
LOADED_AT = dt.datetime(2025, 7, 1)
CHECKED_AT = dt.datetime(2025, 8, 1)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with status_sandbox(tmp_path / "sandbox", FakeClock(epoch(CHECKED_AT))) as server:
        yield server


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """May and June loaded as SAT served them on 1 July; closed, as a check opens it itself."""
    path = tmp_path / "wh.duckdb"
    with Warehouse.open(path) as wh:
        for month in (MAY, JUNE):
            for direction in ("emitidos", "recibidos"):
                load_metadata(wh, month, direction, LOADED_AT, tmp_path / "packages")
    return path


def _query(path: Path, sql: str, params: list[object] | None = None) -> object:
    with Warehouse.open(path) as wh:
        return wh.query(sql, params).item()


def _cancelled_between(start: dt.datetime, end: dt.datetime) -> set[str]:
    found = set()
    for direction in ("emitidos", "recibidos"):
        query = CorpusQuery(service="cfdi", requester_rfc=RFC, direction=direction,
                            start=dt.datetime(2025, 5, 1), end=dt.datetime(2025, 6, 30, 23, 59, 59),
                            kind="metadata")  # fmt: skip
        found |= {
            d.uuid.lower()
            for d in corpus().documents(query)
            if d.cancelled_at and start < d.cancelled_at <= end
        }
    return found


def test_the_window_counts_this_month_and_the_ones_before() -> None:
    assert first_month_of_window(dt.date(2025, 7, 15), 3) == MAY
    assert first_month_of_window(dt.date(2026, 2, 1), 3) == dt.date(2025, 12, 1)
    assert first_month_of_window(dt.date(2026, 2, 1), 1) == dt.date(2026, 2, 1)


def test_a_check_asks_every_document_not_known_cancelled_and_counts_what_changed(
    sandbox: SandboxServer, warehouse: Path
) -> None:
    known_cancelled = int(
        str(_query(warehouse, "SELECT count(*) FROM estatus_actual WHERE estatus = 'cancelado'"))
    )
    documents = int(str(_query(warehouse, "SELECT count(DISTINCT uuid) FROM metadata")))
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0, concurrency=2) as client:
        report = check_statuses(warehouse, client, today=dt.date(2025, 7, 15))
    summary = report.summaries[RFC]
    assert summary.checked == documents - known_cancelled
    assert summary.already_cancelled == known_cancelled
    assert summary.errors == []
    newly_cancelled = sum(n for what, n in summary.changes.items() if what.startswith("vigente → cancelado"))
    assert newly_cancelled == len(_cancelled_between(LOADED_AT, CHECKED_AT))
    assert newly_cancelled > 0
    # Every answer is in the history with its source and time, and the fact ops alerts on is a query.
    answers = _query(
        warehouse,
        "SELECT count(*) FROM estatus_historial WHERE fuente = 'consulta' AND load_id = ?",
        [report.check_id],
    )
    assert answers == summary.checked
    with Warehouse.open(published_path(warehouse), read_only=True) as published:
        flipped = published.query(
            "SELECT uuid::VARCHAR AS uuid FROM estatus_historial WHERE fuente = 'consulta' "
            "AND estatus_anterior = 'vigente' AND estatus = 'cancelado'"
        )["uuid"].to_list()
    assert set(flipped) == _cancelled_between(LOADED_AT, CHECKED_AT)


def test_a_second_check_does_not_ask_again_about_what_it_saw_cancelled(
    sandbox: SandboxServer, warehouse: Path
) -> None:
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0) as client:
        first = check_statuses(warehouse, client, months=[MAY, JUNE])
        second = check_statuses(warehouse, client, months=[MAY, JUNE])
    cancelled = len(_cancelled_between(LOADED_AT, CHECKED_AT))
    assert second.summaries[RFC].checked == first.summaries[RFC].checked - cancelled
    assert second.summaries[RFC].changed == 0


def test_a_document_asked_by_uuid_is_checked_whatever_its_month(
    sandbox: SandboxServer, warehouse: Path
) -> None:
    uuid = str(_query(warehouse, "SELECT uuid::VARCHAR FROM metadata WHERE estatus = 'vigente' LIMIT 1"))
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0) as client:
        report = check_statuses(
            warehouse, client, uuids=[uuid.upper(), "00000000-0000-4000-8000-000000000000"]
        )
    assert report.checked == 1
    assert report.unknown_uuids == ["00000000-0000-4000-8000-000000000000"]


def test_an_unreachable_service_stops_the_check_after_one_document(warehouse: Path) -> None:
    with (
        StatusClient("http://127.0.0.1:9", retry=StatusRetry(attempts=1)) as client,
        pytest.raises(StatusServiceError, match="no status was checked"),
    ):
        check_statuses(warehouse, client, months=[MAY])
    assert _query(warehouse, "SELECT count(*) FROM estatus_historial WHERE fuente = 'consulta'") == 0


def test_answers_that_find_the_writer_busy_are_kept_and_written_once_it_is_free(warehouse: Path) -> None:
    from assets.status_checks import StatusCheckReport, _Recorder

    uuid = str(_query(warehouse, "SELECT uuid::VARCHAR FROM metadata WHERE estatus = 'vigente' LIMIT 1"))
    report = StatusCheckReport("consulta-test")
    recorder = _Recorder(warehouse, report)
    recorder.add(
        {
            "uuid": uuid,
            "estatus": "cancelado",
            "visto_desde": dt.datetime(2099, 1, 1),
            "load_id": "consulta-test",
            "rfc": RFC,
            "direction": "recibidos",
            "es_cancelable": "Cancelable sin aceptación",
            "estatus_cancelacion": "Cancelado sin aceptación",
            "validacion_efos": "200",
            "codigo_estatus": "S - ok",
        }
    )
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseError, match="1 answers were not recorded"):
            recorder.finish(0)
    finally:
        holder.communicate("")
    recorder.finish(0)
    assert report.summaries[RFC].changes == {"vigente → cancelado (Cancelado sin aceptación)": 1}
    assert _query(warehouse, "SELECT count(*) FROM estatus_historial WHERE load_id = 'consulta-test'") == 1


class _BreaksAfterFirstCall(httpx.HTTPTransport):
    """The real transport; after the first call, the sandbox starts answering HTTP 500 to everything."""

    def __init__(self, sandbox: SandboxServer) -> None:
        super().__init__()
        self._sandbox = sandbox
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == 2:
            self._sandbox.faults.inject(Fault.HTTP_500, operation=Operation.CONSULTA, times=None)
        return super().handle_request(request)


def test_a_service_that_stops_answering_mid_check_stops_the_check_and_keeps_what_was_answered(
    sandbox: SandboxServer, warehouse: Path
) -> None:
    transport = _BreaksAfterFirstCall(sandbox)
    client = StatusClient(sandbox.base_url + "/consulta", calls_per_second=0, concurrency=1,
                          retry=StatusRetry(attempts=1), transport=transport)  # fmt: skip
    with client, pytest.raises(StatusServiceError, match="stopped after 5 documents in a row"):
        check_statuses(warehouse, client, months=[MAY, JUNE])
    assert transport.calls < 10
    assert _query(warehouse, "SELECT count(*) FROM estatus_historial WHERE fuente = 'consulta'") == 1


def test_the_summary_line_says_what_changed_to_what_in_words() -> None:
    from collections import Counter

    from assets.status_checks import RfcStatusSummary

    summary = RfcStatusSummary(RFC, checked=1200, already_cancelled=3, errors=["x"])
    summary.changes.update(Counter({"vigente → En proceso": 2, "En proceso → cancelado (Plazo vencido)": 1}))
    assert summary.line() == (
        f"{RFC}: 1,200 checked, 3 changed (En proceso → cancelado (Plazo vencido): 1; "
        "vigente → En proceso: 2), 1 error(s); 3 already known cancelled, not asked"
    )
