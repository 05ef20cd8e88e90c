"""A request's life at the sandbox: states on a clock, packages, and SAT's limits (5002-5008, 301).

Driven with the real client's `RequestBuilder` over plain HTTP, so each raw answer is visible; the
full cycle through `SatClient` is in `test_cycle.py`.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable

import httpx
import pytest

from etl.sat import DocumentStatus, Fiel, QueryParameters, RequestBuilder, RequestType
from sandbox import SandboxServer
from tests.paths import SAT_FIXTURES
from tests.sandbox.catalogs import FixtureCatalog, GatedCatalog
from tests.sandbox.envelopes import fixture_signer
from tests.sandbox.soap import post, result_attributes
from tests.sandbox_plugin import SandboxClock

_RFC = "EKU9003173C9"
_START, _END = dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31, 23, 59, 59)


class _Session:
    """Autentica once, then signed calls with the fixture FIEL, returning SAT's raw attributes."""

    def __init__(self, base_url: str) -> None:
        folder = SAT_FIXTURES / "fiel"
        password = (folder / "EKU9003173C9-password.txt").read_text()
        self.fiel = Fiel.from_files(folder / "EKU9003173C9.cer", folder / "EKU9003173C9.key", password)
        self.builder = RequestBuilder(self.fiel)
        self.base_url = base_url
        self.token = post(base_url, "cfdi", "Autentica", self.builder.authenticate()).text("AutenticaResult")

    def query(self, params: QueryParameters) -> dict[str, str]:
        operation = f"SolicitaDescarga{'Emitidos' if params.direction == 'emitidos' else 'Recibidos'}"
        answer = post(self.base_url, "cfdi", operation, self.builder.query(params), self.token)
        return result_attributes(answer, f"{operation}Result")

    def verify(self, request_id: str) -> tuple[dict[str, str], list[str]]:
        operation = "VerificaSolicitudDescarga"
        answer = post(self.base_url, "cfdi", operation, self.builder.verify(request_id), self.token)
        result = answer.find(f"{operation}Result")
        return result_attributes(answer, f"{operation}Result"), [(p.text or "") for p in result]

    def download(self, package_id: str) -> tuple[str, bytes]:
        operation = "PeticionDescargaMasivaTercerosEntrada"
        answer = post(self.base_url, "cfdi", operation, self.builder.download(package_id), self.token)
        return result_attributes(answer, "respuesta")["CodEstatus"], base64.b64decode(answer.text("Paquete"))

    def wait_until_done(self, request_id: str, limit: float = 30.0) -> tuple[dict[str, str], list[str]]:
        deadline = time.monotonic() + limit
        while True:
            result, packages = self.verify(request_id)
            if result["EstadoSolicitud"] not in ("1", "2") or time.monotonic() > deadline:
                return result, packages
            time.sleep(0.05)


_ISSUED_XML = QueryParameters.issued(_START, _END, RequestType.XML, document_status=DocumentStatus.TODOS)


def test_a_request_moves_accepted_then_in_progress_then_finished_with_its_packages(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(
        catalog=FixtureCatalog(25), documents_per_package=10, accepted_seconds=1.0, in_progress_seconds=1.0
    )
    session = _Session(server.base_url)
    accepted = session.query(_ISSUED_XML)
    assert (accepted["CodEstatus"], accepted["Mensaje"]) == ("5000", "Solicitud Aceptada")
    request_id = accepted["IdSolicitud"]
    states: list[str] = []
    while not states or states[-1] in ("1", "2"):
        result, packages = session.verify(request_id)
        if not states or states[-1] != result["EstadoSolicitud"]:
            states.append(result["EstadoSolicitud"])
        time.sleep(0.05)
    assert states == ["1", "2", "3"]
    assert result["CodigoEstadoSolicitud"] == "5000"
    assert result["NumeroCFDIs"] == "25"
    assert packages == [f"{request_id}_01", f"{request_id}_02", f"{request_id}_03"]


def test_a_package_downloads_twice_as_the_zip_written_then_5008(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(2))
    session = _Session(server.base_url)
    request_id = session.query(_ISSUED_XML)["IdSolicitud"]
    _, [package_id] = session.wait_until_done(request_id)
    expected = (SAT_FIXTURES / "packages" / "cfdi.zip").read_bytes()
    assert session.download(package_id) == ("5000", expected)
    assert session.download(package_id) == ("5000", expected)
    assert session.download(package_id) == ("5008", b"")


def test_unknown_request_and_package_ids_get_5004(sandbox_factory: Callable[..., SandboxServer]) -> None:
    session = _Session(sandbox_factory(catalog=FixtureCatalog(1)).base_url)
    result, packages = session.verify("0b8e4cb5-0000-4000-8000-000000000000")
    assert (result["CodEstatus"], packages) == ("5004", [])
    assert session.download("0b8e4cb5-0000-4000-8000-000000000000_01") == ("5004", b"")


def test_packages_expire_after_their_lifetime_with_5007(
    sandbox_factory: Callable[..., SandboxServer], sandbox_clock: SandboxClock
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(1), package_expiry_seconds=2.0)
    session = _Session(server.base_url)
    request_id = session.query(_ISSUED_XML)["IdSolicitud"]
    _, [package_id] = session.wait_until_done(request_id)
    sandbox_clock.advance(2.1)
    assert session.download(package_id) == ("5007", b"")
    assert session.verify(request_id)[0]["EstadoSolicitud"] == "6"


def test_an_identical_active_request_gets_5005_and_a_third_in_a_lifetime_5002(
    sandbox_factory: Callable[..., SandboxServer], sandbox_clock: SandboxClock
) -> None:
    # The request stays active until the clock is moved: a slow machine cannot let it finish between calls.
    server = sandbox_factory(
        catalog=FixtureCatalog(0), lifetime_request_limit=2, accepted_seconds=60, in_progress_seconds=60
    )
    session = _Session(server.base_url)
    first = session.query(_ISSUED_XML)
    assert first["CodEstatus"] == "5000"
    assert session.query(_ISSUED_XML) == {"CodEstatus": "5005", "Mensaje": "Solicitud duplicada"}
    sandbox_clock.advance(121)
    assert session.verify(first["IdSolicitud"])[0]["EstadoSolicitud"] not in ("1", "2")
    second = session.query(_ISSUED_XML)
    assert second["CodEstatus"] == "5000"
    sandbox_clock.advance(121)
    assert session.verify(second["IdSolicitud"])[0]["EstadoSolicitud"] not in ("1", "2")
    assert session.query(_ISSUED_XML)["CodEstatus"] == "5002"
    shifted = QueryParameters.issued(_START + dt.timedelta(seconds=1), _END, RequestType.XML,
                                     document_status=DocumentStatus.TODOS)  # fmt: skip
    assert session.query(shifted)["CodEstatus"] == "5000"  # one second later is another request


def test_a_period_with_more_documents_than_the_maximum_finishes_rejected_with_5003(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(11), max_xml_documents=10)
    session = _Session(server.base_url)
    result, packages = session.wait_until_done(session.query(_ISSUED_XML)["IdSolicitud"])
    assert (result["EstadoSolicitud"], result["CodigoEstadoSolicitud"], packages) == ("5", "5003", [])


def test_a_period_with_nothing_finishes_rejected_with_5004_and_no_documents(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    session = _Session(sandbox_factory(catalog=FixtureCatalog(0)).base_url)
    result, packages = session.wait_until_done(session.query(_ISSUED_XML)["IdSolicitud"])
    assert (result["EstadoSolicitud"], result["CodigoEstadoSolicitud"], result["NumeroCFDIs"]) == (
        "5",
        "5004",
        "0",
    )
    assert packages == []


def test_received_xml_other_than_vigente_gets_301(sandbox_factory: Callable[..., SandboxServer]) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(1))
    session = _Session(server.base_url)
    signer = fixture_signer("fiel")  # the client refuses to build this query, as it should
    attributes = {"RfcSolicitante": _RFC, "RfcReceptor": _RFC, "TipoSolicitud": "CFDI",
                  "FechaInicial": "2025-01-01T00:00:00", "FechaFinal": "2025-01-31T23:59:59",
                  "EstadoComprobante": "Todos"}  # fmt: skip
    body = signer.call("SolicitaDescargaRecibidos", attributes)
    answer = post(server.base_url, "cfdi", "SolicitaDescargaRecibidos", body, session.token)
    result = result_attributes(answer, "SolicitaDescargaRecibidosResult")
    assert result["CodEstatus"] == "301"
    assert result["Mensaje"] == "No se permite la descarga de xml que se encuentren cancelados"
    assert "IdSolicitud" not in result


def test_state_and_download_counts_survive_a_restart_of_the_server(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    first = sandbox_factory(catalog=FixtureCatalog(1))
    session = _Session(first.base_url)
    request_id = session.query(_ISSUED_XML)["IdSolicitud"]
    _, [package_id] = session.wait_until_done(request_id)
    assert session.download(package_id)[0] == "5000"
    first.stop()
    with pytest.raises(httpx.ConnectError):
        session.verify(request_id)

    second = sandbox_factory(catalog=FixtureCatalog(1), data_dir=first.data_dir)
    session.base_url = second.base_url  # the token, signed with the same stored secret, still works
    assert session.verify(request_id) == (
        {"CodEstatus": "5000", "EstadoSolicitud": "3", "CodigoEstadoSolicitud": "5000", "NumeroCFDIs": "1",
         "Mensaje": "Solicitud Aceptada"},
        [package_id],
    )  # fmt: skip
    assert session.download(package_id)[0] == "5000"
    assert session.download(package_id)[0] == "5008"


def test_a_stop_while_packages_are_written_is_prompt_and_the_next_server_writes_them_again(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    catalog = GatedCatalog(1)
    first = sandbox_factory(catalog=catalog)
    session = _Session(first.base_url)
    request_id = session.query(_ISSUED_XML)["IdSolicitud"]
    assert catalog.writing.wait(30)
    started = time.monotonic()
    first.stop()
    assert time.monotonic() - started < 5
    catalog.gate.set()  # the cut-short attempt finishes writing; nothing records it

    second = sandbox_factory(catalog=FixtureCatalog(1), data_dir=first.data_dir)
    session.base_url = second.base_url
    result, [package_id] = session.wait_until_done(request_id)
    assert result["EstadoSolicitud"] == "3"
    assert session.download(package_id) == ("5000", (SAT_FIXTURES / "packages" / "cfdi.zip").read_bytes())
    assert not list((first.data_dir / "packages").glob("*.partial*"))
