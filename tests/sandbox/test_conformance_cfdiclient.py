"""Conformance: python-cfdiclient 2.0 (PyPI `cfdiclient`, GPL-3.0, a test-only dependency), unchanged but
for SAT's host, against the sandbox.

Its SignatureValue covers SignedInfo as its signer wrote it, in the default namespace, before lxml gives it
the envelope's `xd:` prefix; SAT answers its users past the seal check (sandbox/README.md has the
evidence), so the sandbox accepts that form too. It reads every answer as text (`etree.fromstring(
response.text)`), which fails on a declaration naming an encoding: SAT's answers carry none, nor do ours.
cfdiclient speaks CFDI only (no Retenciones).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import cfdiclient  # type: ignore[import-untyped]
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from sandbox import SandboxServer, generate_test_fiel
from sandbox._signatures import SignatureError, verify_request_signature
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
from tests.sandbox.envelopes import SOAP
from tests.sandbox_plugin import SANDBOX_RFCS, SandboxClock, SandboxFiel

_START, _END = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 31, 23, 59, 59)
_RFC = SANDBOX_RFCS[0]


def _pointed(base_url: str) -> dict[str, Any]:
    """cfdiclient's operation classes with SAT's host replaced by the sandbox's `B/cfdi` (same paths)."""

    def at(cls: Any, path: str) -> Any:
        return type(cls.__name__, (cls,), {"soap_url": f"{base_url}/cfdi{path}"})

    return {
        "auth": at(cfdiclient.Autenticacion, "/Autenticacion/Autenticacion.svc"),
        "issued": at(cfdiclient.SolicitaDescargaEmitidos, "/SolicitaDescargaService.svc"),
        "received": at(cfdiclient.SolicitaDescargaRecibidos, "/SolicitaDescargaService.svc"),
        "verify": at(cfdiclient.VerificaSolicitudDescarga, "/VerificaSolicitudDescargaService.svc"),
        "download": at(cfdiclient.DescargaMasiva, "/DescargaMasivaService.svc"),
    }


class _Client:
    def __init__(self, sandbox: SandboxServer, fiel: SandboxFiel, clock: SandboxClock) -> None:
        self.fiel = cfdiclient.Fiel(
            fiel.certificate.read_bytes(), fiel.private_key.read_bytes(), fiel.password
        )
        self.ops = _pointed(sandbox.base_url)
        self.token: str = self.ops["auth"](self.fiel).obtener_token()
        self._step = sandbox.config.accepted_seconds + sandbox.config.in_progress_seconds
        self._clock = clock

    def finished(self, request_id: str) -> dict[str, Any]:
        """Verify until the answer is final, moving the sandbox's clock past each state, never sleeping."""
        for _ in range(200):
            answer: dict[str, Any] = self.ops["verify"](self.fiel).verificar_descarga(
                self.token, _RFC, request_id
            )
            if answer["estado_solicitud"] not in ("1", "2"):
                return answer
            self._clock.advance(self._step)
        raise AssertionError(f"request {request_id} never finished")

    def download(self, package_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.ops["download"](self.fiel).descargar_paquete(
            self.token, _RFC, package_id
        )
        return answer


@pytest.fixture
def client(sandbox: SandboxServer, sandbox_fiel: SandboxFiel, sandbox_clock: SandboxClock) -> _Client:
    return _Client(sandbox, sandbox_fiel, sandbox_clock)


def _expected(direction: str, kind: str) -> int:
    corpus = Corpus(CorpusConfig(seed=7, rfcs=SANDBOX_RFCS, documents_per_month=30))
    query = CorpusQuery(
        service="cfdi", requester_rfc=_RFC, direction=direction,  # type: ignore[arg-type]
        start=_START, end=_END, kind=kind, status="Vigente",  # type: ignore[arg-type]
    )  # fmt: skip
    return corpus.count(query)


def _xml_names(package_base64: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(package_base64))) as archive:
        return [name for name in archive.namelist() if name.lower().endswith(".xml")]


def test_cfdiclient_authenticates_and_reads_the_token_from_the_answers_text(client: _Client) -> None:
    assert client.token


def test_cfdiclient_downloads_the_issued_vigente_documents_of_a_month(client: _Client) -> None:
    accepted = client.ops["issued"](client.fiel).solicitar_descarga(
        client.token, _RFC, _START, _END, rfc_emisor=_RFC, tipo_solicitud="CFDI"
    )
    assert (accepted["cod_estatus"], accepted["mensaje"]) == ("5000", "Solicitud Aceptada")
    done = client.finished(accepted["id_solicitud"])
    assert (done["estado_solicitud"], done["codigo_estado_solicitud"]) == ("3", "5000")
    names = []
    for package_id in done["paquetes"]:
        answer = client.download(package_id)
        assert answer["cod_estatus"] == "5000"
        names += _xml_names(answer["paquete_b64"])
    assert int(done["numero_cfdis"]) == len(names) == _expected("emitidos", "xml") > 0


def test_cfdiclient_asks_received_metadata(client: _Client) -> None:
    accepted = client.ops["received"](client.fiel).solicitar_descarga(
        client.token, _RFC, _START, _END, rfc_receptor=_RFC, tipo_solicitud="Metadata"
    )
    assert accepted["cod_estatus"] == "5000"
    done = client.finished(accepted["id_solicitud"])
    assert int(done["numero_cfdis"]) == _expected("recibidos", "metadata") > 0
    assert client.download(done["paquetes"][0])["cod_estatus"] == "5000"


def test_cfdiclients_received_xml_request_without_vigente_gets_301_as_at_sat(client: _Client) -> None:
    # python-cfdiclient#70 (2025-07): SAT answers 301 when received XML is asked with another state
    answer = client.ops["received"](client.fiel).solicitar_descarga(
        client.token, _RFC, _START, _END, rfc_receptor=_RFC, tipo_solicitud="CFDI", estado_comprobante="Todos"
    )
    assert answer["cod_estatus"] == "301"
    assert answer["id_solicitud"] is None


def _signed_by_cfdiclient(fiel: Any, rfc: str) -> etree._Element:
    """The `des:solicitud` cfdiclient sends for a received-metadata request, signed as it signs it."""
    operation = cfdiclient.SolicitaDescargaRecibidos(fiel)
    arguments = {
        "RfcSolicitante": rfc, "RfcReceptor": rfc, "FechaInicial": "2025-03-01T00:00:00",
        "FechaFinal": "2025-03-31T23:59:59", "TipoSolicitud": "Metadata", "EstadoComprobante": "Vigente",
    }  # fmt: skip
    operation.signer.sign(operation.set_request_arguments(arguments))
    wire = etree.fromstring(operation.element_to_bytes(operation.element_root))
    found = wire.find(f"{{{SOAP}}}Body/*/*")
    assert found is not None
    return found


def test_cfdiclients_form_still_fails_when_the_body_changed_or_another_key_signed(
    sandbox_fiel: SandboxFiel, tmp_path: Path
) -> None:
    fiel = cfdiclient.Fiel(
        sandbox_fiel.certificate.read_bytes(), sandbox_fiel.private_key.read_bytes(), sandbox_fiel.password
    )
    assert verify_request_signature(_signed_by_cfdiclient(fiel, _RFC)).serial_number > 0
    changed = _signed_by_cfdiclient(fiel, _RFC)
    changed.set("FechaFinal", "2025-04-30T23:59:59")
    with pytest.raises(SignatureError, match="DigestValue"):
        verify_request_signature(changed)
    other = generate_test_fiel(SANDBOX_RFCS[1], tmp_path / "other", "pw", ca_dir=tmp_path / "test-ca")
    forged = _signed_by_cfdiclient(fiel, _RFC)
    certificate = next(
        e for e in forged.iter() if isinstance(e.tag, str) and e.tag.endswith("X509Certificate")
    )
    certificate.text = base64.b64encode(
        x509.load_der_x509_certificate(other.certificate.read_bytes()).public_bytes(Encoding.DER)
    ).decode()
    with pytest.raises(SignatureError):
        verify_request_signature(forged)
