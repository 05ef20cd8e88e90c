"""The sandbox's own XML-DSig verification, on envelopes made by the real client and by a test signer."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from etl.sat import Fiel, RequestBuilder
from sandbox._signatures import SignatureError, verify_request_signature, verify_security_header
from tests.paths import SAT_FIXTURES
from tests.sandbox.envelopes import DES, SOAP, fixture_signer

_ATTRIBUTES = {"IdSolicitud": "4e80345d-917f-40bb-a98f-4a73939343c5", "RfcSolicitante": "EKU9003173C9"}


def _request(envelope: bytes) -> etree._Element:
    found = etree.fromstring(envelope).find(
        f"{{{SOAP}}}Body/{{{DES}}}VerificaSolicitudDescarga/{{{DES}}}solicitud"
    )
    assert found is not None
    return found


def _builder() -> RequestBuilder:
    folder = SAT_FIXTURES / "fiel"
    password = (folder / "EKU9003173C9-password.txt").read_text()
    return RequestBuilder(Fiel.from_files(folder / "EKU9003173C9.cer", folder / "EKU9003173C9.key", password))


def test_the_real_clients_verify_and_autentica_envelopes_verify_with_the_fiels_certificate() -> None:
    builder = _builder()
    certificate = verify_request_signature(_request(builder.verify(_ATTRIBUTES["IdSolicitud"])))
    assert certificate.serial_number == builder.fiel.serial_number
    header = etree.fromstring(builder.authenticate()).find(f"{{{SOAP}}}Header")
    signed = verify_security_header(header)
    assert signed.certificate.serial_number == builder.fiel.serial_number
    assert dt.datetime.fromisoformat(signed.expires) - dt.datetime.fromisoformat(
        signed.created
    ) == dt.timedelta(minutes=5)


def test_whitespace_between_the_requests_tags_does_not_change_the_digest_as_the_recipe_says() -> None:
    request = _request(fixture_signer("fiel").call("VerificaSolicitudDescarga", _ATTRIBUTES))
    operation = request.getparent()
    assert operation is not None
    operation.text, request.text, request.tail, request[-1].tail = "\n  ", "\n    ", "\n", "\n  "
    verify_request_signature(request)


@pytest.mark.parametrize(
    "damage",
    ["attribute changed", "signature value changed", "signature not last", "serial in hex", "no signature"],
)
def test_a_damaged_request_signature_is_refused(damage: str) -> None:
    request = _request(fixture_signer("fiel").call("VerificaSolicitudDescarga", _ATTRIBUTES))
    signature = request[-1]
    if damage == "attribute changed":
        request.set("RfcSolicitante", "AAA010101AAA")
    if damage == "signature value changed":
        value = signature.find("{http://www.w3.org/2000/09/xmldsig#}SignatureValue")
        assert value is not None
        value.text = "A" + (value.text or "")[1:]
    if damage == "signature not last":
        request.append(etree.Element(f"{{{DES}}}Extra"))
    if damage == "serial in hex":
        serial = signature.find(".//{http://www.w3.org/2000/09/xmldsig#}X509SerialNumber")
        assert serial is not None
        serial.text = format(int(serial.text or "0"), "x")
    if damage == "no signature":
        request.remove(signature)
    with pytest.raises(SignatureError):
        verify_request_signature(request)


def test_sats_published_inclusive_enveloped_form_verifies_too_and_still_detects_changes() -> None:
    envelope = fixture_signer("fiel").call("VerificaSolicitudDescarga", _ATTRIBUTES, enveloped=True)
    assert b"enveloped-signature" in envelope
    verify_request_signature(_request(envelope))
    request = _request(envelope)
    request.set("IdSolicitud", "00000000-0000-4000-8000-000000000000")
    with pytest.raises(SignatureError):
        verify_request_signature(request)
