"""Conformance: satcfdi's own SAT client (PyPI `satcfdi`, MIT), unchanged but for SAT's host, on the sandbox.

satcfdi's users get `5000 Solicitud Aceptada` from SAT's service 1.5, so every step it takes must be
answered here as SAT answers it: authenticate, query (issued, received, by UUID), verify, download, for CFDI
and Retenciones. Its own parsers also read SAT's recorded answers in `../shared/fixtures/sat/responses`, and
the sandbox's answers must give those parsers the same fields, of the same kinds.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest
from lxml import etree
from satcfdi.models import Signer  # type: ignore[import-untyped]
from satcfdi.pacs import sat as satcfdi_sat  # type: ignore[import-untyped]

from sandbox import SandboxServer
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
from tests.paths import SAT_FIXTURES
from tests.sandbox_plugin import SANDBOX_RFCS, SandboxClock, SandboxFiel

_START, _END = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 31, 23, 59, 59)
_RECORDED = SAT_FIXTURES / "responses"
# SAT's hosts as satcfdi writes them, and the sandbox's prefix for each service family.
_FAMILY = {
    "cfdidescargamasivasolicitud.clouda.sat.gob.mx": "cfdi",
    "cfdidescargamasiva.clouda.sat.gob.mx": "cfdi",
    "retendescargamasivasolicitud.clouda.sat.gob.mx": "retenciones",
    "retendescargamasiva.clouda.sat.gob.mx": "retenciones",
}


class _SandboxSAT(satcfdi_sat.SAT):  # type: ignore[misc]
    """satcfdi's client with SAT's host swapped for the sandbox's base URL, as a user would point it."""

    def __init__(self, signer: Any, base_url: str) -> None:
        super().__init__(signer=signer)
        self._base_url = base_url

    def _request(
        self, soap_url: str, data: bytes, soap_action: str, needs_token_fn: Any, verify: bool = True
    ) -> Any:
        parts = urlsplit(soap_url)
        local = f"{self._base_url}/{_FAMILY[parts.hostname or '']}{parts.path}"
        return super()._request(local, data, soap_action, needs_token_fn, verify)


class _Steps:
    """The calls of one service family, by satcfdi's method names."""

    def __init__(self, client: _SandboxSAT, family: str) -> None:
        prefix = "comprobante" if family == "cfdi" else "retencion"
        self.client = client
        self.family = family
        self.issued: Callable[..., dict[str, Any]] = getattr(client, f"recover_{prefix}_emitted_request")
        self.received: Callable[..., dict[str, Any]] = getattr(client, f"recover_{prefix}_received_request")
        self.by_uuid: Callable[..., dict[str, Any]] = getattr(client, f"recover_{prefix}_uuid_request")
        self.status: Callable[[str], dict[str, Any]] = getattr(client, f"recover_{prefix}_status")
        self.download: Callable[[str], tuple[dict[str, Any], str]] = getattr(
            client, f"recover_{prefix}_download"
        )
        self.token: Callable[[], str] = getattr(client, f"_get_token_{prefix}")


def _satcfdi_signer(fiel: SandboxFiel) -> Any:
    return Signer.load(
        certificate=fiel.certificate.read_bytes(), key=fiel.private_key.read_bytes(), password=fiel.password
    )


@pytest.fixture(params=["cfdi", "retenciones"])
def steps(request: pytest.FixtureRequest, sandbox: SandboxServer, sandbox_fiel: SandboxFiel) -> _Steps:
    return _Steps(_SandboxSAT(_satcfdi_signer(sandbox_fiel), sandbox.base_url), request.param)


def _finished(steps: _Steps, request_id: str, clock: SandboxClock, sandbox: SandboxServer) -> dict[str, Any]:
    """Verify until SAT's answer is final; the sandbox's clock is moved past each state, never slept on."""
    step = sandbox.config.accepted_seconds + sandbox.config.in_progress_seconds
    for _ in range(200):
        answer = steps.status(request_id)
        if answer["EstadoSolicitud"] not in (
            satcfdi_sat.EstadoSolicitud.ACEPTADA,
            satcfdi_sat.EstadoSolicitud.EN_PROCESO,
        ):
            return answer
        clock.advance(step)
    raise AssertionError(f"request {request_id} never finished: {answer}")


def _expected(
    family: str,
    direction: Literal["emitidos", "recibidos"],
    kind: Literal["metadata", "xml"],
    status: Literal["Todos", "Vigente"],
) -> int:
    corpus = Corpus(CorpusConfig(seed=7, rfcs=SANDBOX_RFCS, documents_per_month=30))
    service: Literal["cfdi", "retenciones"] = "cfdi" if family == "cfdi" else "retenciones"
    query = CorpusQuery(
        service=service, requester_rfc=SANDBOX_RFCS[0], direction=direction,
        start=_START, end=_END, kind=kind, status=status,
    )  # fmt: skip
    return corpus.count(query)


def _zip_names(package_base64: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(package_base64))) as archive:
        return archive.namelist()


def test_satcfdi_authenticates_and_gets_a_token_that_lasts_five_minutes(steps: _Steps) -> None:
    assert steps.token()
    token = steps.client.token_comprobante if steps.family == "cfdi" else steps.client.token_retencion
    assert token["Expires"] - token["Created"] == dt.timedelta(minutes=5)


def test_satcfdi_downloads_every_issued_document_of_a_month(
    steps: _Steps, sandbox: SandboxServer, sandbox_clock: SandboxClock
) -> None:
    accepted = steps.issued(
        fecha_inicial=_START, fecha_final=_END, tipo_solicitud="CFDI", estado_comprobante="Todos"
    )
    assert (accepted["CodEstatus"], accepted["Mensaje"]) == ("5000", "Solicitud Aceptada")
    done = _finished(steps, accepted["IdSolicitud"], sandbox_clock, sandbox)
    assert done["EstadoSolicitud"] == satcfdi_sat.EstadoSolicitud.TERMINADA
    assert done["CodigoEstadoSolicitud"] == "5000"
    names = []
    for package_id in done["IdsPaquetes"]:
        header, package = steps.download(package_id)
        assert header["CodEstatus"] == "5000"
        names += [name for name in _zip_names(package) if name.lower().endswith(".xml")]
    expected = _expected(steps.family, "emitidos", "xml", "Todos")
    assert done["NumeroCFDIs"] == len(names) == expected > 0


def test_satcfdi_asks_received_metadata_and_then_one_document_by_its_uuid(
    steps: _Steps, sandbox: SandboxServer, sandbox_clock: SandboxClock
) -> None:
    # satcfdi leaves EstadoComprobante out unless told; SAT then assumes Vigente, and so does the sandbox
    accepted = steps.received(fecha_inicial=_START, fecha_final=_END, tipo_solicitud="Metadata")
    assert accepted["CodEstatus"] == "5000"
    done = _finished(steps, accepted["IdSolicitud"], sandbox_clock, sandbox)
    assert done["NumeroCFDIs"] == _expected(steps.family, "recibidos", "metadata", "Vigente") > 0
    _, package = steps.download(done["IdsPaquetes"][0])
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(package))) as archive:
        text = archive.read(next(n for n in archive.namelist() if n.endswith(".txt"))).decode("utf-8")
    uuid = text.replace("\r\n", "\n").split("\n")[1].split("~")[0]

    by_uuid = steps.by_uuid(folio=uuid)
    assert by_uuid["CodEstatus"] == "5000"
    single = _finished(steps, by_uuid["IdSolicitud"], sandbox_clock, sandbox)
    assert single["NumeroCFDIs"] == 1
    _, xml = steps.download(single["IdsPaquetes"][0])
    [name] = _zip_names(xml)
    assert name.lower().startswith(uuid.lower())


def test_satcfdi_is_told_5008_after_the_second_download_of_a_package(
    steps: _Steps, sandbox: SandboxServer, sandbox_clock: SandboxClock
) -> None:
    accepted = steps.issued(fecha_inicial=_START, fecha_final=_END, tipo_solicitud="Metadata")
    [package_id, *_] = _finished(steps, accepted["IdSolicitud"], sandbox_clock, sandbox)["IdsPaquetes"]
    assert [steps.download(package_id)[0]["CodEstatus"] for _ in range(3)] == ["5000", "5000", "5008"]


# SAT's recorded answers, read by satcfdi's own parsers, against the sandbox's answers to the same step.
def _parsed(request_class: Any, recorded: str) -> Any:
    return request_class().process_response(etree.parse(str(_RECORDED / recorded)).getroot())


def _kinds(fields: dict[str, Any]) -> dict[str, type]:
    return {key: type(value) for key, value in fields.items()}


def test_the_sandboxs_answers_give_satcfdi_the_fields_of_sats_recorded_answers(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel, sandbox_clock: SandboxClock
) -> None:
    steps = _Steps(_SandboxSAT(_satcfdi_signer(sandbox_fiel), sandbox.base_url), "cfdi")
    issued = steps.issued(fecha_inicial=_START, fecha_final=_END, tipo_solicitud="CFDI")
    received = steps.received(fecha_inicial=_START, fecha_final=_END, tipo_solicitud="Metadata")
    done = _finished(steps, issued["IdSolicitud"], sandbox_clock, sandbox)
    header, package = steps.download(done["IdsPaquetes"][0])
    recorded_issued = _parsed(satcfdi_sat._CFDISolicitaDescargaEmitidos, "query-issued.xml")
    recorded_received = _parsed(satcfdi_sat._CFDISolicitaDescargaRecibidos, "query-received.xml")
    recorded_verify = _parsed(satcfdi_sat._CFDIVerificaSolicitudDescarga, "verify-2-packages.xml")
    recorded_header, recorded_package = _parsed(satcfdi_sat._CFDIDescargaMasiva, "download-package.xml")
    assert _kinds(issued) == _kinds(recorded_issued)
    assert _kinds(received) == _kinds(recorded_received)
    assert _kinds(done) == _kinds(recorded_verify)
    assert _kinds(header) == _kinds(recorded_header)
    assert _zip_names(package)
    assert _zip_names(recorded_package)
    token = steps.client.token_comprobante
    recorded_token = _parsed(satcfdi_sat._CFDIAutenticacion, "authenticate-token.xml")
    assert _kinds(token) == _kinds(recorded_token)
