"""Each built request is checked by code that shares nothing with `etl.sat._signing`.

The expected canonical forms are written out by hand from the protocol document; SHA-1 of those bytes
must be the DigestValue sent, and the SignatureValue must verify with the certificate (xmlsec for the
authentication, whose reference is an ordinary `#_0` URI; cryptography over lxml's c14n for the rest,
whose reference SAT defines as the operation element without its Signature).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from etl.sat import DocumentType, Fiel, QueryParameters, RequestBuilder, RequestType, Service

DSIG = "http://www.w3.org/2000/09/xmldsig#"
DES = "http://DescargaMasivaTerceros.sat.gob.mx"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
NS = {"ds": DSIG, "des": DES, "s": "http://schemas.xmlsoap.org/soap/envelope/", "u": WSU}
JAN = (datetime(2025, 1, 1), datetime(2025, 1, 31, 23, 59, 59))
TOKEN_ID = "uuid-cf6c80fb-00ae-44c0-af56-54ec65decbaa-1"


def _sha1_b64(data: str) -> str:
    digest = hashlib.sha1(data.encode("utf-8")).digest()  # noqa: S324 - SAT's digest
    return base64.b64encode(digest).decode()


def _verify_enveloped(message: bytes, fiel: Fiel, expected_canonical: str) -> etree._Element:
    """Check SAT's enveloped signature independently; return the signed request element."""
    root = etree.fromstring(message)
    signature = root.find(".//ds:Signature", NS)
    assert signature is not None
    request = signature.getparent()
    assert request is not None
    assert request[-1] is signature, "the Signature must be the request's last child"
    operation = request.getparent()
    assert operation is not None
    assert signature.findtext(".//ds:DigestValue", namespaces=NS) == _sha1_b64(expected_canonical)

    unsigned = etree.fromstring(etree.tostring(operation))
    unsigned_request = unsigned[0]
    unsigned_request.remove(unsigned_request[-1])
    assert etree.tostring(unsigned, method="c14n", exclusive=True).decode() == expected_canonical

    reference = signature.find(".//ds:Reference", NS)
    assert reference is not None
    assert reference.get("URI") == ""
    transforms = [t.get("Algorithm") for t in signature.iterfind(".//ds:Transform", NS)]
    assert transforms == ["http://www.w3.org/2001/10/xml-exc-c14n#"]

    certificate_text = signature.findtext(".//ds:X509Certificate", namespaces=NS)
    assert certificate_text is not None
    certificate = x509.load_der_x509_certificate(base64.b64decode(certificate_text))
    assert certificate == fiel.certificate
    assert signature.findtext(".//ds:X509SerialNumber", namespaces=NS) == str(certificate.serial_number)
    assert signature.findtext(".//ds:X509IssuerName", namespaces=NS) == certificate.issuer.rfc4514_string()

    signed_info = signature.find("ds:SignedInfo", NS)
    assert signed_info is not None
    canonical_signed_info = etree.tostring(signed_info, method="c14n", exclusive=True)
    assert canonical_signed_info.startswith(b'<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#">')
    value = signature.findtext("ds:SignatureValue", namespaces=NS)
    assert value is not None
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    sha1 = hashes.SHA1()  # noqa: S303 - SAT's algorithm
    public_key.verify(base64.b64decode(value), canonical_signed_info, padding.PKCS1v15(), sha1)
    return request


def _signature_node(root: etree._Element) -> etree._Element:
    node = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
    assert node is not None
    return node


def _solicitud(operation: str, attributes: str, children: str = "") -> str:
    opening = f'<des:{operation} xmlns:des="{DES}"><des:solicitud {attributes}>'
    return f"{opening}{children}</des:solicitud></des:{operation}>"


def test_authentication_is_signed_over_the_timestamp_and_verifies_with_xmlsec(fiel: Fiel) -> None:
    created = datetime(2019, 8, 1, 3, 38, 20, 44000, tzinfo=UTC)
    message = RequestBuilder(fiel).authenticate(
        created, token_id="uuid-cf6c80fb-00ae-44c0-af56-54ec65decbaa-1"
    )
    root = etree.fromstring(message)

    expected_timestamp = (
        f'<u:Timestamp xmlns:u="{WSU}" u:Id="_0"><u:Created>2019-08-01T03:38:20.000Z</u:Created>'
        "<u:Expires>2019-08-01T03:43:20.000Z</u:Expires></u:Timestamp>"
    )
    assert root.findtext(".//ds:DigestValue", namespaces=NS) == _sha1_b64(expected_timestamp)
    token = root.find(".//{*}BinarySecurityToken")
    assert token is not None
    assert token.get(f"{{{WSU}}}Id") == TOKEN_ID
    assert token.text == base64.b64encode(fiel.certificate_der).decode()
    token_reference = root.find(".//ds:KeyInfo/{*}SecurityTokenReference/{*}Reference", NS)
    assert token_reference is not None
    assert token_reference.get("URI") == f"#{TOKEN_ID}"
    assert root.find("s:Body/{http://DescargaMasivaTerceros.gob.mx}Autentica", NS) is not None

    xmlsec.tree.add_ids(root, ["Id"])
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(
        fiel.certificate.public_bytes(serialization.Encoding.PEM), xmlsec.constants.KeyDataFormatCertPem
    )
    context.verify(_signature_node(root))

    tampered = etree.fromstring(message)
    created_element = tampered.find(".//u:Created", NS)
    assert created_element is not None
    created_element.text = "2030-01-01T00:00:00.000Z"
    xmlsec.tree.add_ids(tampered, ["Id"])
    with pytest.raises(xmlsec.Error):
        context.verify(_signature_node(tampered))


def test_authentication_defaults_to_a_five_minute_window_and_a_fresh_token_id(fiel: Fiel) -> None:
    builder = RequestBuilder(fiel)
    first, second = etree.fromstring(builder.authenticate()), etree.fromstring(builder.authenticate())
    created = datetime.strptime(first.findtext(".//u:Created", namespaces=NS) or "", "%Y-%m-%dT%H:%M:%S.000Z")
    expires = datetime.strptime(first.findtext(".//u:Expires", namespaces=NS) or "", "%Y-%m-%dT%H:%M:%S.000Z")
    assert (expires - created).total_seconds() == 300
    assert abs((created.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()) < 60
    ids = {
        str(root.xpath("string(//@u:Id[starts-with(., 'uuid-')])", namespaces=NS)) for root in (first, second)
    }
    assert len(ids) == 2


def test_verify_request_matches_the_protocol_documents_canonical_form(fiel: Fiel) -> None:
    message = RequestBuilder(fiel).verify("4e80345d-917f-40bb-a98f-4a73939343c5")
    expected = _solicitud(
        "VerificaSolicitudDescarga",
        'IdSolicitud="4e80345d-917f-40bb-a98f-4a73939343c5" RfcSolicitante="EKU9003173C9"',
    )
    _verify_enveloped(message, fiel, expected)


def test_download_request_is_signed_over_the_peticion_descarga(fiel: Fiel) -> None:
    message = RequestBuilder(fiel).download("4e80345d-917f-40bb-a98f-4a73939343c5_01")
    expected = (
        f'<des:PeticionDescargaMasivaTercerosEntrada xmlns:des="{DES}"><des:peticionDescarga '
        'IdPaquete="4e80345d-917f-40bb-a98f-4a73939343c5_01" RfcSolicitante="EKU9003173C9">'
        "</des:peticionDescarga>"
        "</des:PeticionDescargaMasivaTercerosEntrada>"
    )
    _verify_enveloped(message, fiel, expected)


def test_issued_query_sorts_attributes_omits_empty_ones_and_escapes_receivers(fiel: Fiel) -> None:
    params = QueryParameters.issued(
        *JAN, RequestType.XML, document_type=DocumentType.INGRESO, complement="pagos20",
        receivers=("A&A010101AAA", "BBB010101BBB"),
    )  # fmt: skip
    expected = _solicitud(
        "SolicitaDescargaEmitidos",
        'Complemento="pagos20" EstadoComprobante="Todos" FechaFinal="2025-01-31T23:59:59" '
        'FechaInicial="2025-01-01T00:00:00" RfcEmisor="EKU9003173C9" RfcSolicitante="EKU9003173C9" '
        'TipoComprobante="I" TipoSolicitud="CFDI"',
        "<des:RfcReceptores><des:RfcReceptor>A&amp;A010101AAA</des:RfcReceptor>"
        "<des:RfcReceptor>BBB010101BBB</des:RfcReceptor></des:RfcReceptores>",
    )
    request = _verify_enveloped(RequestBuilder(fiel).query(params), fiel, expected)
    operation = request.getparent()
    assert operation is not None
    assert etree.QName(operation).localname == "SolicitaDescargaEmitidos"


def test_received_query_carries_the_receiver_the_issuer_and_the_third_party(fiel: Fiel) -> None:
    params = QueryParameters.received(
        *JAN, RequestType.XML, issuer="Ñ&A010101AAA", third_party_rfc="XAXX010101000"
    )
    expected = _solicitud(
        "SolicitaDescargaRecibidos",
        'EstadoComprobante="Vigente" FechaFinal="2025-01-31T23:59:59" FechaInicial="2025-01-01T00:00:00" '
        'RfcACuentaTerceros="XAXX010101000" RfcEmisor="Ñ&amp;A010101AAA" RfcReceptor="EKU9003173C9" '
        'RfcSolicitante="EKU9003173C9" TipoSolicitud="CFDI"',
    )
    _verify_enveloped(RequestBuilder(fiel).query(params), fiel, expected)


def test_folio_query_carries_only_the_uuid_and_the_requester(fiel: Fiel) -> None:
    params = QueryParameters.by_uuid("4ABF0F69-8E7D-42BD-AC5F-787275EB52D2")
    expected = _solicitud(
        "SolicitaDescargaFolio", 'Folio="4abf0f69-8e7d-42bd-ac5f-787275eb52d2" RfcSolicitante="EKU9003173C9"'
    )
    _verify_enveloped(RequestBuilder(fiel).query(params), fiel, expected)


def test_retenciones_metadata_query_is_the_same_operation_with_its_complement(fiel: Fiel) -> None:
    params = QueryParameters.issued(*JAN, service=Service.RETENCIONES, complement="dividendos")
    expected = _solicitud(
        "SolicitaDescargaEmitidos",
        'Complemento="dividendos" EstadoComprobante="Todos" FechaFinal="2025-01-31T23:59:59" '
        'FechaInicial="2025-01-01T00:00:00" RfcEmisor="EKU9003173C9" RfcSolicitante="EKU9003173C9" '
        'TipoSolicitud="Metadata"',
    )
    _verify_enveloped(RequestBuilder(fiel).query(params), fiel, expected)


def test_building_is_a_pure_function_of_its_inputs(fiel: Fiel) -> None:
    builder = RequestBuilder(fiel)
    params = QueryParameters.issued(*JAN)
    created = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert builder.query(params) == builder.query(QueryParameters.issued(*JAN))
    assert builder.verify("x") == RequestBuilder(fiel).verify("x")
    assert builder.authenticate(created, token_id="uuid-1-1") == builder.authenticate(
        created, token_id="uuid-1-1"
    )


def test_the_wire_form_has_no_whitespace_between_tags_and_is_utf8(fiel: Fiel) -> None:
    message = RequestBuilder(fiel).query(QueryParameters.received(*JAN, issuer="ÑAÑ010101AAA"))
    assert b">\n" not in message
    assert b"> <" not in message
    assert 'RfcEmisor="ÑAÑ010101AAA"'.encode() in message


def test_authentication_takes_explicit_times_in_any_zone_and_refuses_naive_ones(fiel: Fiel) -> None:
    mexico = timezone(timedelta(hours=-6))
    message = RequestBuilder(fiel).authenticate(
        datetime(2025, 3, 1, 6, 0, tzinfo=mexico),
        datetime(2025, 3, 1, 6, 2, tzinfo=mexico),
        token_id=TOKEN_ID,
    )
    root = etree.fromstring(message)
    assert root.findtext(".//u:Created", namespaces=NS) == "2025-03-01T12:00:00.000Z"
    assert root.findtext(".//u:Expires", namespaces=NS) == "2025-03-01T12:02:00.000Z"
    with pytest.raises(ValueError, match="no time zone"):
        RequestBuilder(fiel).authenticate(datetime(2025, 3, 1, 12, 0))
