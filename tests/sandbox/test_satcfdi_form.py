"""satcfdi's signature form (inclusive c14n, enveloped transform, digest over the operation in context).

satcfdi's users get `5000 Solicitud Aceptada` from SAT with it, so the sandbox must accept it on every
signed operation, and still refuse what SAT refuses: a changed body, a signature by another
certificate's key, a digest algorithm that is not the one used, no signature at all.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from sandbox import SandboxServer, generate_test_fiel
from sandbox._signatures import SignatureError, verify_request_signature
from tests.sandbox.catalogs import FixtureCatalog
from tests.sandbox.envelopes import DES, DS, SOAP, Signer
from tests.sandbox.soap import post, result_attributes, token_for
from tests.sandbox_plugin import SandboxFiel

_VERIFY = "VerificaSolicitudDescarga"
_UNKNOWN_ID = "4e80345d-917f-40bb-a98f-4a73939343c5"


def _signer(fiel: SandboxFiel) -> Signer:
    return Signer.from_files(fiel.certificate.read_bytes(), fiel.private_key.read_bytes(), fiel.password)


def _request(envelope: bytes) -> etree._Element:
    found = etree.fromstring(envelope).find(f"{{{SOAP}}}Body/*/*")
    assert found is not None
    return found


def test_the_form_digests_the_operation_with_the_envelopes_namespaces(sandbox_fiel: SandboxFiel) -> None:
    envelope = _signer(sandbox_fiel).satcfdi_call(
        _VERIFY, {"IdSolicitud": _UNKNOWN_ID, "RfcSolicitante": "X"}
    )
    request = _request(envelope)
    signature = request[-1]
    operation = request.getparent()
    assert operation is not None
    request.remove(signature)
    in_context = etree.tostring(operation, method="c14n", exclusive=False)
    assert in_context.startswith(f'<des:{_VERIFY} xmlns:des="{DES}" xmlns:s="{SOAP}">'.encode())
    transforms = [t.get("Algorithm") for t in signature.iter(f"{{{DS}}}Transform")]
    assert transforms == [f"{DS}enveloped-signature"]


@pytest.mark.parametrize(
    ("operation", "request_name"),
    [
        ("SolicitaDescargaEmitidos", "solicitud"),
        ("SolicitaDescargaRecibidos", "solicitud"),
        ("SolicitaDescargaFolio", "solicitud"),
        (_VERIFY, "solicitud"),
        ("PeticionDescargaMasivaTercerosEntrada", "peticionDescarga"),
    ],
)
def test_satcfdis_form_verifies_on_every_signed_operation(
    sandbox_fiel: SandboxFiel, operation: str, request_name: str
) -> None:
    signer = _signer(sandbox_fiel)
    envelope = signer.satcfdi_call(operation, {"RfcSolicitante": sandbox_fiel.rfc}, request_name=request_name)
    assert verify_request_signature(_request(envelope)).serial_number == signer.certificate.serial_number


def test_satcfdis_form_goes_through_query_verify_and_download_against_the_server(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(3), documents_per_package=2)
    signer, rfc = _signer(sandbox_fiel), sandbox_fiel.rfc
    token = token_for(server.base_url, signer)
    period = {
        "FechaInicial": "2025-01-01T00:00:00",
        "FechaFinal": "2025-01-31T23:59:59",
        "TipoSolicitud": "CFDI",
    }
    received = {"RfcSolicitante": rfc, "RfcReceptor": rfc, "EstadoComprobante": "Vigente", **period}
    answers = {}
    for operation, attributes in (
        ("SolicitaDescargaEmitidos", {"RfcSolicitante": rfc, "RfcEmisor": rfc, **period}),
        ("SolicitaDescargaRecibidos", received),
        ("SolicitaDescargaFolio", {"RfcSolicitante": rfc, "Folio": "d49af78d-1c80-4221-a48d-345ace91626b"}),
    ):  # fmt: skip
        answer = post(server.base_url, "cfdi", operation, signer.satcfdi_call(operation, attributes), token)
        answers[operation] = result_attributes(answer, f"{operation}Result")
    assert {name: result["CodEstatus"] for name, result in answers.items()} == dict.fromkeys(answers, "5000")

    request_id = answers["SolicitaDescargaEmitidos"]["IdSolicitud"]
    deadline = time.monotonic() + 30
    while True:
        body = signer.satcfdi_call(_VERIFY, {"IdSolicitud": request_id, "RfcSolicitante": rfc})
        verified = post(server.base_url, "cfdi", _VERIFY, body, token)
        result = result_attributes(verified, f"{_VERIFY}Result")
        if result["EstadoSolicitud"] not in ("1", "2") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert (result["CodEstatus"], result["EstadoSolicitud"], result["NumeroCFDIs"]) == ("5000", "3", "3")

    package_id = verified.text("IdsPaquetes")
    operation = "PeticionDescargaMasivaTercerosEntrada"
    body = signer.satcfdi_call(
        operation, {"IdPaquete": package_id, "RfcSolicitante": rfc}, request_name="peticionDescarga"
    )
    downloaded = post(server.base_url, "cfdi", operation, body, token)
    assert result_attributes(downloaded, "respuesta")["CodEstatus"] == "5000"
    assert base64.b64decode(downloaded.text("Paquete")).startswith(b"PK")


def _damaged(signer: Signer, other: Signer, damage: str, rfc: str) -> bytes:
    attributes = {"IdSolicitud": _UNKNOWN_ID, "RfcSolicitante": rfc}
    if damage == "signed by another certificate's key":
        return Signer(other.certificate, signer.key).satcfdi_call(_VERIFY, attributes)
    if damage == "md5 digest declared":
        return signer.satcfdi_call(
            _VERIFY, attributes, digest_method="http://www.w3.org/2001/04/xmldsig-more#md5"
        )
    if damage == "sha256 declared over a sha1 digest":
        return signer.satcfdi_call(
            _VERIFY, attributes, digest_method="http://www.w3.org/2001/04/xmlenc#sha256"
        )
    envelope = signer.satcfdi_call(_VERIFY, attributes)
    if damage == "body changed after signing":
        return envelope.replace(_UNKNOWN_ID.encode(), b"00000000-0000-4000-8000-000000000000")
    assert damage == "unsigned"
    root = etree.fromstring(envelope)
    signature = root.find(f".//{{{DS}}}Signature")
    assert signature is not None
    parent = signature.getparent()
    assert parent is not None
    parent.remove(signature)
    return etree.tostring(root)


@pytest.mark.parametrize(
    "damage",
    [
        "body changed after signing",
        "signed by another certificate's key",
        "md5 digest declared",
        "sha256 declared over a sha1 digest",
        "unsigned",
    ],
)
def test_a_damaged_call_in_satcfdis_form_gets_302_sello_mal_formado(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel, tmp_path: Path, damage: str
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(1))
    signer = _signer(sandbox_fiel)
    paths = generate_test_fiel(
        sandbox_fiel.rfc, tmp_path / "other", "other-password", ca_dir=server.config.ca_dir
    )
    other = Signer.from_files(
        paths.certificate.read_bytes(), paths.private_key.read_bytes(), "other-password"
    )
    token = token_for(server.base_url, signer)
    sound = post(
        server.base_url,
        "cfdi",
        _VERIFY,
        signer.satcfdi_call(_VERIFY, {"IdSolicitud": _UNKNOWN_ID, "RfcSolicitante": sandbox_fiel.rfc}),
        token,
    )
    assert result_attributes(sound, f"{_VERIFY}Result")["CodEstatus"] == "5004"  # the sound form is read

    body = _damaged(signer, other, damage, sandbox_fiel.rfc)
    with pytest.raises(SignatureError):
        verify_request_signature(_request(body))
    answer = post(server.base_url, "cfdi", _VERIFY, body, token)
    result = result_attributes(answer, f"{_VERIFY}Result")
    assert (result["CodEstatus"], result["Mensaje"]) == ("302", "Sello Mal Formado")
