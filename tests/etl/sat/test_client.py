"""SatClient against a real HTTP server on loopback that answers from a script."""

from __future__ import annotations

import base64
import logging
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from etl.sat import (
    CodEstatus,
    EmptyResponseError,
    Endpoints,
    EstadoSolicitud,
    Fiel,
    HttpStatusError,
    QueryParameters,
    QueryParametersError,
    RetryPolicy,
    SatClient,
    SatConnectionError,
    SatRefusedError,
    SatTimeoutError,
    SatUnavailableError,
    Service,
    SoapFaultError,
    UnparseableResponseError,
)
from tests.etl.sat._scripted_server import Answer, ScriptedServer, scripted_server
from tests.etl.sat.conftest import credential_paths
from tests.paths import SAT_FIXTURES

RESPONSES = SAT_FIXTURES / "responses"
AUTH = "/Autenticacion/Autenticacion.svc"
QUERY = "/SolicitaDescargaService.svc"
VERIFY = "/VerificaSolicitudDescargaService.svc"
DOWNLOAD = "/DescargaMasivaService.svc"
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, total_time=10)
JAN = QueryParameters.issued(datetime(2025, 1, 1), datetime(2025, 1, 31, 23, 59, 59))


def _fixture(name: str) -> Answer:
    return Answer((RESPONSES / f"{name}.xml").read_bytes())


def _token_answer(token: str, lifetime_seconds: float) -> Answer:
    created = 1_700_000_000.0
    stamp = "%Y-%m-%dT%H:%M:%S.000Z"
    return Answer(
        (
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
            '<s:Header><o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity'
            '-secext-1.0.xsd" s:mustUnderstand="1"><u:Timestamp u:Id="_0">'
            f"<u:Created>{time.strftime(stamp, time.gmtime(created))}</u:Created>"
            f"<u:Expires>{time.strftime(stamp, time.gmtime(created + lifetime_seconds))}</u:Expires>"
            "</u:Timestamp></o:Security></s:Header><s:Body>"
            '<AutenticaResponse xmlns="http://DescargaMasivaTerceros.gob.mx">'
            f"<AutenticaResult>{token}</AutenticaResult></AutenticaResponse></s:Body></s:Envelope>"
        ).encode()
    )


def _query_answer(code: int, request_id: str = "", status: int = 200) -> Answer:
    return Answer(
        (
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            '<SolicitaDescargaEmitidosResponse xmlns="http://DescargaMasivaTerceros.sat.gob.mx">'
            f'<SolicitaDescargaEmitidosResult IdSolicitud="{request_id}" CodEstatus="{code}" '
            f'Mensaje="m{code}"/>'
            "</SolicitaDescargaEmitidosResponse></s:Body></s:Envelope>"
        ).encode(),
        status=status,
    )


def _download_answer(package: bytes) -> Answer:
    return Answer(
        (
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
            '<h:respuesta xmlns:h="http://DescargaMasivaTerceros.sat.gob.mx" CodEstatus="5000" '
            'Mensaje="Solicitud Aceptada"/></s:Header><s:Body>'
            '<RespuestaDescargaMasivaTercerosSalida xmlns="http://DescargaMasivaTerceros.sat.gob.mx"><Paquete>'
            f"{base64.b64encode(package).decode()}</Paquete></RespuestaDescargaMasivaTercerosSalida>"
            "</s:Body></s:Envelope>"
        ).encode()
    )


@pytest.fixture
def sat() -> Iterator[ScriptedServer]:
    with scripted_server() as server:
        server.answer(AUTH, _token_answer("tok-1%26wrap_subject%3d3330", 300))
        yield server


def _client(
    fiel: Fiel,
    server: ScriptedServer,
    retry: RetryPolicy = FAST,
    timeout: float = 5.0,
    token_margin: timedelta = timedelta(seconds=30),
) -> SatClient:
    endpoints = Endpoints.for_base_url(server.base_url)
    return SatClient(
        fiel, Service.CFDI, endpoints=endpoints, timeout=timeout, retry=retry, token_margin=token_margin
    )


def test_a_full_cycle_authenticates_once_and_sends_the_token_verbatim(
    fiel: Fiel, sat: ScriptedServer
) -> None:
    sat.answer(QUERY, _fixture("query-issued"))
    sat.answer(VERIFY, _fixture("verify-2-packages"))
    sat.answer(DOWNLOAD, _fixture("download-package"))
    with _client(fiel, sat) as client:
        query = client.query(JAN)
        verify = client.verify(query.request_id)
        download = client.download(verify.package_ids[0])

    assert query.request_id == "d49af78d-1c80-4221-a48d-345ace91626b"
    assert verify.state is EstadoSolicitud.TERMINADA
    assert download.package.startswith(b"PK\x03\x04")
    assert len(sat.calls_to(AUTH)) == 1
    assert [r.path for r in sat.received] == [
        "/cfdi/Autenticacion/Autenticacion.svc",
        "/cfdi/SolicitaDescargaService.svc",
        "/cfdi/VerificaSolicitudDescargaService.svc",
        "/cfdi/DescargaMasivaService.svc",
    ]
    auth_headers = sat.calls_to(AUTH)[0].headers
    assert auth_headers["SOAPAction"] == "http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica"
    assert "Authorization" not in auth_headers
    for call in sat.received[1:]:
        assert call.headers["Authorization"] == 'WRAP access_token="tok-1%26wrap_subject%3d3330"'
        assert call.headers["Content-Type"] == 'text/xml; charset="utf-8"'
    assert (
        sat.calls_to(QUERY)[0]
        .headers["SOAPAction"]
        .endswith("ISolicitaDescargaService/SolicitaDescargaEmitidos")
    )
    assert sat.calls_to(VERIFY)[0].body == client._builder.verify(query.request_id)


def test_the_retenciones_client_uses_its_own_paths(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(VERIFY, _fixture("verify-0-packages"))
    endpoints = Endpoints.for_base_url(sat.base_url + "/", Service.RETENCIONES)
    with SatClient(fiel, Service.RETENCIONES, endpoints=endpoints, retry=FAST) as client:
        assert client.verify("x").package_ids == ()
    assert [r.path for r in sat.received] == [
        "/retenciones/Autenticacion/Autenticacion.svc",
        "/retenciones/VerificaSolicitudDescargaService.svc",
    ]


def test_sat_endpoints_are_the_production_hosts() -> None:
    cfdi, retenciones = Endpoints.sat(Service.CFDI), Endpoints.sat(Service.RETENCIONES)
    assert (
        cfdi.authenticate
        == "https://cfdidescargamasivasolicitud.clouda.sat.gob.mx/Autenticacion/Autenticacion.svc"
    )
    assert cfdi.download == "https://cfdidescargamasiva.clouda.sat.gob.mx/DescargaMasivaService.svc"
    assert retenciones.verify == (
        "https://retendescargamasivasolicitud.clouda.sat.gob.mx/VerificaSolicitudDescargaService.svc"
    )


def test_the_token_is_reused_then_renewed_shortly_before_it_expires(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(AUTH, _token_answer("short-1", 4.0), _token_answer("short-2", 300))
    sat.answer(VERIFY, _fixture("verify-0-packages"))
    with _client(fiel, sat, token_margin=timedelta(seconds=1.5)) as client:
        client.verify("a")
        client.verify("b")
        time.sleep(2.6)  # 1.4 s before the token expires: inside the margin
        client.verify("c")
    tokens = [r.headers["Authorization"] for r in sat.calls_to(VERIFY)]
    assert tokens == [
        'WRAP access_token="short-1"',
        'WRAP access_token="short-1"',
        'WRAP access_token="short-2"',
    ]
    assert len(sat.calls_to(AUTH)) == 2


def test_a_short_lived_token_is_still_reused_despite_a_larger_margin(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(AUTH, _token_answer("short", 2.0), _token_answer("next", 300))
    sat.answer(VERIFY, _fixture("verify-0-packages"))
    with _client(fiel, sat, token_margin=timedelta(seconds=30)) as client:
        for request_id in ("a", "b", "c"):
            client.verify(request_id)
    assert len(sat.calls_to(AUTH)) == 1


def test_a_long_poll_never_sends_an_expired_token(fiel: Fiel, sat: ScriptedServer) -> None:
    lifetime = 2.0
    sat.answer(AUTH, *(_token_answer(f"t{n}", lifetime) for n in range(1, 10)))
    sat.answer(VERIFY, _fixture("verify-0-packages"))
    started = time.monotonic()
    with _client(fiel, sat, token_margin=timedelta(seconds=0.6)) as client:
        while time.monotonic() - started < 3.5:
            client.verify("poll")
            time.sleep(0.05)

    issued_at = {f'WRAP access_token="t{n}"': call.at for n, call in enumerate(sat.calls_to(AUTH), start=1)}
    polls = sat.calls_to(VERIFY)
    assert len(issued_at) >= 3
    for poll in polls:
        age = poll.at - issued_at[poll.headers["Authorization"]]
        assert 0 <= age < lifetime, f"a token {age:.2f} s old was sent"


def test_http_5xx_is_retried_and_each_retry_logged(
    fiel: Fiel, sat: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    sat.answer(QUERY, Answer(b"busy", status=503), Answer(b"", status=502), _fixture("query-issued"))
    with caplog.at_level(logging.WARNING, logger="etl.sat"), _client(fiel, sat) as client:
        result = client.query(JAN)
    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert len(sat.calls_to(QUERY)) == 3
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2
    assert "HTTP 503" in retries[0]
    assert "retry 1 of 3" in retries[0]


@pytest.mark.parametrize("code", [404, 5006])
def test_transient_sat_codes_are_retried_until_they_clear(fiel: Fiel, sat: ScriptedServer, code: int) -> None:
    sat.answer(QUERY, _query_answer(code), _query_answer(code), _query_answer(5000, "id-1"))
    with _client(fiel, sat) as client:
        result = client.query(JAN)
    assert result.request_id == "id-1"
    assert len(sat.calls_to(QUERY)) == 3


def test_transient_codes_that_never_clear_raise_after_the_allowed_attempts(
    fiel: Fiel, sat: ScriptedServer
) -> None:
    sat.answer(QUERY, _query_answer(5006))
    with _client(fiel, sat) as client, pytest.raises(SatUnavailableError, match="kept answering 5006"):
        client.query(JAN)
    assert len(sat.calls_to(QUERY)) == FAST.attempts


@pytest.mark.parametrize("code", [5002, 5003, 5005, 301])
def test_business_codes_are_returned_once_without_retry(fiel: Fiel, sat: ScriptedServer, code: int) -> None:
    sat.answer(QUERY, _query_answer(code))
    with _client(fiel, sat) as client:
        result = client.query(JAN)
    assert result.status == code
    assert result.message == f"m{code}"
    assert len(sat.calls_to(QUERY)) == 1


def test_a_terminal_certificate_code_raises_without_retry(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(QUERY, _query_answer(305))
    with _client(fiel, sat) as client, pytest.raises(SatRefusedError, match="305") as refused:
        client.query(JAN)
    assert refused.value.code == 305
    assert "e.firma" in str(refused.value)
    assert len(sat.calls_to(QUERY)) == 1


def test_two_revoked_tokens_in_a_row_are_renewed_and_not_blamed_on_the_efirma(
    fiel: Fiel, sat: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    sat.answer(AUTH, _token_answer("old", 300), _token_answer("new", 300), _token_answer("newer", 300))
    sat.answer(QUERY, _query_answer(300), _query_answer(300), _query_answer(5000, "id-3"))
    with caplog.at_level(logging.WARNING, logger="etl.sat"), _client(fiel, sat) as client:
        assert client.query(JAN).request_id == "id-3"
    assert [r.headers["Authorization"] for r in sat.calls_to(QUERY)] == [
        'WRAP access_token="old"',
        'WRAP access_token="new"',
        'WRAP access_token="newer"',
    ]
    assert sum("revoked before its time; authenticating again" in r.getMessage() for r in caplog.records) == 2


def test_code_300_after_two_fresh_tokens_is_final_and_says_the_efirma_is_not_at_fault(
    fiel: Fiel, sat: ScriptedServer
) -> None:
    sat.answer(QUERY, _query_answer(300))
    with _client(fiel, sat) as client, pytest.raises(SatRefusedError, match="300") as refused:
        client.query(JAN)
    assert "The e.firma is not at fault" in str(refused.value)
    assert "check the e.firma is current" not in str(refused.value)
    assert len(sat.calls_to(QUERY)) == 3


def test_a_soap_fault_raises_with_its_code_and_is_not_retried(fiel: Fiel, sat: ScriptedServer) -> None:
    fault = (RESPONSES / "authenticate-fault.xml").read_bytes()
    sat.answer(AUTH, Answer(fault, status=500))
    with _client(fiel, sat) as client, pytest.raises(SoapFaultError) as raised:
        client.verify("x")
    assert raised.value.fault_code == "a:InvalidSecurity"
    assert len(sat.calls_to(AUTH)) == 1
    assert not sat.calls_to(VERIFY)


def test_http_4xx_raises_at_once(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(VERIFY, Answer(b"<html>not found</html>", status=404))
    with _client(fiel, sat) as client, pytest.raises(HttpStatusError) as raised:
        client.verify("x")
    assert raised.value.status_code == 404
    assert "check the base URL" in str(raised.value)
    assert len(sat.calls_to(VERIFY)) == 1


def test_empty_and_unparseable_answers_raise_their_own_errors(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(VERIFY, Answer(b""))
    with _client(fiel, sat) as client, pytest.raises(EmptyResponseError):
        client.verify("x")
    sat.answer(VERIFY, Answer(b"<oops"))
    with _client(fiel, sat) as client, pytest.raises(UnparseableResponseError):
        client.verify("x")


def test_a_timeout_is_retried_then_raised(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(VERIFY, Answer(b"", delay=1.0))
    policy = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01, total_time=10)
    with _client(fiel, sat, retry=policy, timeout=0.2) as client, pytest.raises(SatTimeoutError):
        client.verify("x")
    assert len(sat.calls_to(VERIFY)) == 2


def test_retries_stop_when_the_total_time_is_spent(fiel: Fiel, sat: ScriptedServer) -> None:
    sat.answer(VERIFY, Answer(b"", status=503))
    policy = RetryPolicy(attempts=50, base_delay=0.2, max_delay=0.2, total_time=0.5)
    started = time.monotonic()
    with _client(fiel, sat, retry=policy) as client, pytest.raises(HttpStatusError):
        client.verify("x")
    assert time.monotonic() - started < 2
    assert 2 <= len(sat.calls_to(VERIFY)) <= 5


def test_an_unreachable_server_raises_a_connection_error_after_retries(fiel: Fiel) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoints = Endpoints.for_base_url(f"http://127.0.0.1:{port}")
    with (
        SatClient(fiel, endpoints=endpoints, retry=FAST) as client,
        pytest.raises(SatConnectionError) as raised,
    ):
        client.authenticate()
    assert f"127.0.0.1:{port}" in str(raised.value)


def test_a_query_for_the_other_service_is_refused_before_any_call(fiel: Fiel, sat: ScriptedServer) -> None:
    retenciones = QueryParameters.issued(
        datetime(2025, 1, 1), datetime(2025, 1, 2), service=Service.RETENCIONES
    )
    with _client(fiel, sat) as client, pytest.raises(QueryParametersError, match="SatClient for retenciones"):
        client.query(retenciones)
    assert sat.received == []


def test_a_package_over_ten_megabytes_downloads_intact(fiel: Fiel, sat: ScriptedServer) -> None:
    package = os.urandom(12 * 1024 * 1024)
    sat.answer(DOWNLOAD, _download_answer(package))
    with _client(fiel, sat) as client:
        result = client.download("id_01")
    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert len(result.package) == len(package)
    assert result.package == package
    assert "package" not in repr(result)


def test_logs_hold_neither_the_token_nor_the_password_nor_the_key(
    fiel: Fiel, sat: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    _, _, password = credential_paths("fiel")
    sat.answer(VERIFY, Answer(b"", status=503), _fixture("verify-2-packages"))
    with caplog.at_level(logging.DEBUG), _client(fiel, sat) as client:
        client.verify("x")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "retry 1 of 3" in logged
    assert "tok-1" not in logged
    assert password not in logged
    assert "PRIVATE KEY" not in logged
