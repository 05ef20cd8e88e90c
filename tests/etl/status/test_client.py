"""The status client against the sandbox's ConsultaCFDIService: every answer SAT gives, how it asks."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from etl.status import (
    Cancellability,
    CancellationStatus,
    DocumentRef,
    DocumentState,
    StatusClient,
    StatusRetry,
    StatusServiceError,
    envelope,
    read_answer,
)
from sandbox import Fault, Operation, SandboxServer
from sandbox._consulta import StatusOfDocument
from sandbox.corpus import CorpusDocument
from tests.etl.status._cases import FakeClock, epoch, find, ref_of, status_sandbox

HOUR = 3600.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(epoch(dt.datetime(2025, 8, 1)))


@pytest.fixture
def sandbox(tmp_path: Path, clock: FakeClock) -> Iterator[SandboxServer]:
    with status_sandbox(tmp_path / "sandbox", clock) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[StatusClient]:
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0) as status:
        yield status


def _cancelled_as(final: str) -> CorpusDocument:
    def ends_so(document: CorpusDocument, at: Callable[[float], StatusOfDocument]) -> bool:
        cancelled = document.cancelled_at
        return cancelled is not None and at(epoch(cancelled)).estatus_cancelacion == final

    return find(ends_so)


def test_a_vigente_document_that_needs_no_acceptance(client: StatusClient) -> None:
    document = find(lambda d, at: d.cancelled_at is None and at(epoch(dt.datetime(2025, 8, 1))).es_cancelable
                    == "Cancelable sin aceptación")  # fmt: skip
    answer = client.check(ref_of(document))
    assert answer.found
    assert answer.estado is DocumentState.VIGENTE
    assert answer.es_cancelable is Cancellability.SIN_ACEPTACION
    assert answer.estatus_cancelacion is CancellationStatus.NONE
    assert answer.validacion_efos.code in {"100", "200"}


def test_a_document_with_related_documents_is_not_cancelable(client: StatusClient) -> None:
    document = find(lambda d, at: at(epoch(dt.datetime(2025, 8, 1))).es_cancelable == "No cancelable")
    answer = client.check(ref_of(document))
    assert (answer.estado, answer.es_cancelable) == (DocumentState.VIGENTE, Cancellability.NO_CANCELABLE)


def test_a_small_document_is_cancelled_at_once_without_acceptance(
    client: StatusClient, clock: FakeClock
) -> None:
    document = _cancelled_as("Cancelado sin aceptación")
    assert document.cancelled_at is not None
    clock.now = epoch(document.cancelled_at) - 60
    before = client.check(ref_of(document))
    assert (before.estado, before.estatus_cancelacion) == (DocumentState.VIGENTE, CancellationStatus.NONE)
    clock.now = epoch(document.cancelled_at) + 60
    after = client.check(ref_of(document))
    assert after.estado is DocumentState.CANCELADO
    assert after.estatus_cancelacion is CancellationStatus.CANCELADO_SIN_ACEPTACION


def test_a_cancellation_in_process_that_the_receiver_accepts(client: StatusClient, clock: FakeClock) -> None:
    document = _cancelled_as("Cancelado con aceptación")
    assert document.cancelled_at is not None
    clock.now = epoch(document.cancelled_at) - 60
    waiting = client.check(ref_of(document))
    assert (waiting.estado, waiting.estatus_cancelacion) == (
        DocumentState.VIGENTE,
        CancellationStatus.EN_PROCESO,
    )
    assert waiting.es_cancelable is Cancellability.CON_ACEPTACION
    clock.now = epoch(document.cancelled_at) + 60
    done = client.check(ref_of(document))
    assert (done.estado, done.estatus_cancelacion) == (
        DocumentState.CANCELADO,
        CancellationStatus.CANCELADO_CON_ACEPTACION,
    )


def test_a_cancellation_the_receiver_never_answers_expires_after_72_hours(
    client: StatusClient, clock: FakeClock
) -> None:
    document = _cancelled_as("Plazo vencido")
    assert document.cancelled_at is not None
    end = epoch(document.cancelled_at)
    clock.now = end - 72 * HOUR - 60
    assert client.check(ref_of(document)).estatus_cancelacion is CancellationStatus.NONE
    clock.now = end - 72 * HOUR + 60
    assert client.check(ref_of(document)).estatus_cancelacion is CancellationStatus.EN_PROCESO
    clock.now = end + 60
    expired = client.check(ref_of(document))
    assert (expired.estado, expired.estatus_cancelacion) == (
        DocumentState.CANCELADO,
        CancellationStatus.PLAZO_VENCIDO,
    )


def test_a_cancellation_the_receiver_rejects_leaves_the_document_vigente(
    client: StatusClient, clock: FakeClock
) -> None:
    late = epoch(dt.datetime(2026, 1, 1))
    document = find(lambda d, at: at(late).estatus_cancelacion == "Solicitud rechazada")
    # The hours when the request was waiting, found by asking the sandbox hour by hour.
    clock.now = epoch(document.issued_at)
    seen: list[CancellationStatus] = []
    while clock.now < late:
        state = client.check(ref_of(document)).estatus_cancelacion
        if not seen or seen[-1] is not state:
            seen.append(state)
        clock.now += 12 * HOUR
    assert seen[-1] is CancellationStatus.SOLICITUD_RECHAZADA
    assert seen[0] is CancellationStatus.NONE
    assert client.check(ref_of(document)).estado is DocumentState.VIGENTE


def test_a_request_waiting_for_the_receiver_is_en_proceso_before_its_rejection(
    client: StatusClient, clock: FakeClock
) -> None:
    late = epoch(dt.datetime(2026, 1, 1))
    document = find(lambda d, at: at(late).estatus_cancelacion == "Solicitud rechazada")
    clock.now = epoch(document.issued_at)
    while client.check(ref_of(document)).estatus_cancelacion is CancellationStatus.NONE:
        clock.now += HOUR
    assert client.check(ref_of(document)).estatus_cancelacion is CancellationStatus.EN_PROCESO
    clock.now += 72 * HOUR
    assert client.check(ref_of(document)).estatus_cancelacion is CancellationStatus.SOLICITUD_RECHAZADA


def test_an_unknown_uuid_or_a_wrong_total_is_not_found(client: StatusClient) -> None:
    document = find(lambda d, at: True)
    unknown = client.check(replace(ref_of(document), uuid="5a6b7c8d-0000-4000-8000-000000000000"))
    assert (unknown.found, unknown.estado) == (False, DocumentState.NO_ENCONTRADO)
    assert "602" in unknown.codigo_estatus
    assert unknown.validacion_efos.issuer_listed is None
    wrong = client.check(replace(ref_of(document), total=ref_of(document).total + Decimal("0.01")))
    assert wrong.estado is DocumentState.NO_ENCONTRADO


def test_a_document_issued_after_the_sandbox_now_is_not_found_yet(
    client: StatusClient, clock: FakeClock
) -> None:
    document = find(lambda d, at: True)
    clock.now = epoch(document.issued_at) - 60
    assert client.check(ref_of(document)).estado is DocumentState.NO_ENCONTRADO
    clock.now = epoch(document.issued_at) + 60
    assert client.check(ref_of(document)).estado is DocumentState.VIGENTE


def test_an_issuer_on_the_definitive_69b_list_is_flagged_by_validacion_efos(client: StatusClient) -> None:
    listed = find(lambda d, at: at(epoch(dt.datetime(2025, 8, 1))).validacion_efos == "100")
    clean = find(lambda d, at: at(epoch(dt.datetime(2025, 8, 1))).validacion_efos == "200")
    assert client.check(ref_of(listed)).validacion_efos.issuer_listed is True
    assert client.check(ref_of(clean)).validacion_efos.issuer_listed is False


def test_an_expression_without_its_parameters_is_answered_601(sandbox: SandboxServer) -> None:
    response = httpx.post(
        sandbox.base_url + "/consulta/ConsultaCFDIService.svc",
        content=envelope("?re=AAA010101AAA&id="),
        headers={
            "SOAPAction": "http://tempuri.org/IConsultaCFDIService/Consulta",
            "Content-Type": "text/xml",
        },
    )
    answer = read_answer(response.content)
    assert answer.invalid_expression
    assert answer.estado is DocumentState.NO_ENCONTRADO


def test_transient_failures_are_retried_with_backoff_on_the_injected_clock(sandbox: SandboxServer) -> None:
    document = find(lambda d, at: True)
    sandbox.faults.inject(Fault.HTTP_500, operation=Operation.CONSULTA, times=2)
    waits = FakeClock(0.0)
    retry = StatusRetry(attempts=3, base_delay=2.0, max_delay=60.0)
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0, retry=retry, clock=waits) as client:
        assert client.check(ref_of(document)).estado is DocumentState.VIGENTE
    assert sandbox.calls[Operation.CONSULTA] == 3
    assert len(waits.slept) == 2
    assert 1.0 <= waits.slept[0] <= 2.0
    assert 2.0 <= waits.slept[1] <= 4.0


def test_an_unreachable_service_is_one_clear_error_after_the_retries(tmp_path: Path) -> None:
    document = find(lambda d, at: True)
    waits = FakeClock(0.0)
    client = StatusClient("http://127.0.0.1:9", retry=StatusRetry(attempts=2), clock=waits)
    with client, pytest.raises(StatusServiceError, match=r"cannot reach http://127\.0\.0\.1:9") as raised:
        client.check(ref_of(document))
    assert raised.value.transient
    assert len(waits.slept) == 1


def test_calls_are_paced_at_one_a_second_by_default_without_sleeping(sandbox: SandboxServer) -> None:
    document = find(lambda d, at: True)
    pace = FakeClock(1000.0)
    with StatusClient(sandbox.base_url + "/consulta", concurrency=1, clock=pace) as client:
        results = list(client.check_many([ref_of(document)] * 5))
    assert [r.answer is not None for r in results] == [True] * 5
    assert pace.now == pytest.approx(1004.0)
    assert [r.checked_at for r in results] == sorted(r.checked_at for r in results)


class _CountingTransport(httpx.HTTPTransport):
    """The real network transport, counting calls in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.most = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        try:
            response = super().handle_request(request)
            response.read()
            return response
        finally:
            with self._lock:
                self.in_flight -= 1


def test_no_more_calls_are_in_flight_than_the_concurrency_bound(sandbox: SandboxServer) -> None:
    documents = [ref_of(find(lambda d, at: True))] * 12
    sandbox.faults.inject(Fault.SLOW, operation=Operation.CONSULTA, times=None, delay_seconds=0.05)
    transport = _CountingTransport()
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0, concurrency=3,
                      transport=transport) as client:  # fmt: skip
        results = list(client.check_many(documents))
    assert len(results) == 12
    assert all(r.error is None for r in results)
    assert 2 <= transport.most <= 3


def test_a_failed_document_is_reported_and_the_others_still_checked(sandbox: SandboxServer) -> None:
    good = ref_of(find(lambda d, at: True))
    sandbox.faults.inject(Fault.HTTP_500, operation=Operation.CONSULTA, times=1)
    with StatusClient(sandbox.base_url + "/consulta", calls_per_second=0, concurrency=1,
                      retry=StatusRetry(attempts=1)) as client:  # fmt: skip
        results = list(client.check_many([good, good]))
    errors = [r.error for r in results if r.error]
    assert len(errors) == 1
    assert "HTTP 500" in errors[0]
    assert sum(r.answer is not None for r in results) == 1


def test_an_answer_declaring_entities_never_expands_them() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<ConsultaResponse xmlns="http://tempuri.org/"><ConsultaResult '
        b'xmlns:a="http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio">'
        b"<a:CodigoEstatus>S - ok&x;</a:CodigoEstatus><a:Estado>Vigente</a:Estado>"
        b"</ConsultaResult></ConsultaResponse></s:Body></s:Envelope>"
    )
    answer = read_answer(hostile)
    assert "root:" not in answer.codigo_estatus


def test_a_qr_expression_trims_the_total_and_3_2_uses_its_fixed_form() -> None:
    from etl.status import expression

    ref = DocumentRef(
        "ad662d33-6934-459c-a128-bdf0393e0f44", "AAA010101AAA", "BBB020202BB1", Decimal("1500.500000")
    )
    assert expression(ref).endswith("&tt=1500.5&id=AD662D33-6934-459C-A128-BDF0393E0F44")
    assert "tt=100.0&" in expression(replace(ref, total=Decimal(100)))
    assert "&tt=0000001500.500000&" in expression(replace(ref, version="3.2"))
    qr = expression(replace(ref, sello_tail="abcdefghXYZ12345"))
    assert qr.startswith("https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=")
    assert qr.endswith("&fe=XYZ12345")
