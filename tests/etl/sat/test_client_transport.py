"""SatClient over an in-process httpx transport that answers with SAT's recorded responses (no sockets)."""

from __future__ import annotations

from datetime import datetime

import httpx

from etl.sat import (
    CodEstatus,
    CodigoEstadoSolicitud,
    Endpoints,
    EstadoSolicitud,
    Fiel,
    QueryParameters,
    SatClient,
    Service,
)
from tests.paths import SAT_FIXTURES

__all__: list[str] = []

RESPONSES = SAT_FIXTURES / "responses"
BASE_URL = "http://sat.invalid"


class RecordedSat(httpx.BaseTransport):
    """Answers each SAT operation's path with one recorded response file, and keeps what it was sent."""

    def __init__(self, answers: dict[str, str]) -> None:
        self._answers = {path: (RESPONSES / f"{name}.xml").read_bytes() for path, name in answers.items()}
        self.received: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.received.append(request)
        body = self._answers.get(request.url.path)
        if body is None:
            return httpx.Response(404, content=b"not recorded")
        return httpx.Response(200, content=body, headers={"Content-Type": "text/xml; charset=utf-8"})


def _client(fiel: Fiel, transport: httpx.BaseTransport) -> SatClient:
    endpoints = Endpoints.for_base_url(BASE_URL, Service.CFDI)
    return SatClient(fiel, Service.CFDI, endpoints=endpoints, transport=transport)


def test_a_verify_through_an_in_process_transport_returns_the_recorded_answer_typed(fiel: Fiel) -> None:
    transport = RecordedSat(
        {
            "/cfdi/Autenticacion/Autenticacion.svc": "authenticate-token",
            "/cfdi/VerificaSolicitudDescargaService.svc": "verify-2-packages",
        }
    )
    with _client(fiel, transport) as client:
        result = client.verify("4e80345d-917f-40bb-a98f-4a73939343c5")

    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert result.state is EstadoSolicitud.TERMINADA
    assert result.state_code is CodigoEstadoSolicitud.ACEPTADA
    assert result.document_count == 12345
    assert result.package_ids == (
        "4e80345d-917f-40bb-a98f-4a73939343c5_01",
        "4e80345d-917f-40bb-a98f-4a73939343c5_02",
    )
    assert [request.url.path for request in transport.received] == [
        "/cfdi/Autenticacion/Autenticacion.svc",
        "/cfdi/VerificaSolicitudDescargaService.svc",
    ]
    verify = transport.received[1]
    assert verify.headers["Authorization"].startswith('WRAP access_token="')
    assert b"4e80345d-917f-40bb-a98f-4a73939343c5" in verify.content


def test_a_query_through_an_in_process_transport_returns_the_recorded_request_id(fiel: Fiel) -> None:
    transport = RecordedSat(
        {
            "/cfdi/Autenticacion/Autenticacion.svc": "authenticate-token",
            "/cfdi/SolicitaDescargaService.svc": "query-issued",
        }
    )
    january = QueryParameters.issued(datetime(2025, 1, 1), datetime(2025, 1, 31, 23, 59, 59))
    with _client(fiel, transport) as client:
        result = client.query(january)

    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert result.request_id == "d49af78d-1c80-4221-a48d-345ace91626b"
