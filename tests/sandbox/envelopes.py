"""A third, test-only signer of SAT envelopes, for what the real client refuses to build.

`etl.sat` will not sign with a CSD or an expired certificate, and the sandbox's own code only verifies;
this builds such envelopes (and tampered ones) with cryptography over lxml's exclusive c14n.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from tests.paths import SAT_FIXTURES

__all__ = ["Signer", "fixture_signer", "http_headers"]

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
DES = "http://DescargaMasivaTerceros.sat.gob.mx"
DS = "http://www.w3.org/2000/09/xmldsig#"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
_C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
_ACTIONS = {
    "Autentica": "http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica",
    "SolicitaDescargaEmitidos": f"{DES}/ISolicitaDescargaService/SolicitaDescargaEmitidos",
    "SolicitaDescargaRecibidos": f"{DES}/ISolicitaDescargaService/SolicitaDescargaRecibidos",
    "SolicitaDescargaFolio": f"{DES}/ISolicitaDescargaService/SolicitaDescargaFolio",
    "VerificaSolicitudDescarga": f"{DES}/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga",
    "PeticionDescargaMasivaTercerosEntrada": f"{DES}/IDescargaMasivaTercerosService/Descargar",
}


def http_headers(operation: str, token: str | None = None) -> dict[str, str]:
    headers = {"Content-Type": 'text/xml; charset="utf-8"', "SOAPAction": _ACTIONS[operation]}
    if token is not None:
        headers["Authorization"] = f'WRAP access_token="{token}"'
    return headers


class Signer:
    """Signs with any certificate and key, as the protocol document's recipes say."""

    def __init__(self, certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> None:
        self.certificate = certificate
        self.key = key

    @classmethod
    def from_files(cls, certificate: bytes, key: bytes, password: str) -> Signer:
        loaded = serialization.load_der_private_key(key, password.encode())
        assert isinstance(loaded, rsa.RSAPrivateKey)
        return cls(x509.load_der_x509_certificate(certificate), loaded)

    def authenticate(self, created: dt.datetime, expires: dt.datetime, *, tamper: bool = False) -> bytes:
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"s": SOAP, "u": WSU})
        security = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP}}}Header"), f"{{{WSSE}}}Security",
                                    nsmap={"o": WSSE})  # fmt: skip
        timestamp = etree.SubElement(security, f"{{{WSU}}}Timestamp", {f"{{{WSU}}}Id": "_0"})
        etree.SubElement(timestamp, f"{{{WSU}}}Created").text = _instant(created)
        etree.SubElement(timestamp, f"{{{WSU}}}Expires").text = _instant(expires)
        token = etree.SubElement(security, f"{{{WSSE}}}BinarySecurityToken", {f"{{{WSU}}}Id": "uuid-t-1"})
        token.set("ValueType", _X509V3)
        token.text = base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()
        signature = self._signature(security, "#_0", _digest(timestamp))
        reference = etree.SubElement(
            etree.SubElement(
                etree.SubElement(signature, f"{{{DS}}}KeyInfo"), f"{{{WSSE}}}SecurityTokenReference"
            ),
            f"{{{WSSE}}}Reference",
        )
        reference.set("URI", "#uuid-t-1")
        reference.set("ValueType", _X509V3)
        etree.SubElement(
            etree.SubElement(envelope, f"{{{SOAP}}}Body"), "{http://DescargaMasivaTerceros.gob.mx}Autentica"
        )
        if tamper:  # changed after signing: the digest no longer matches
            timestamp[1].text = _instant(expires + dt.timedelta(minutes=1))
        return etree.tostring(envelope)

    def call(
        self,
        operation: str,
        attributes: dict[str, str],
        *,
        request_name: str = "solicitud",
        tamper: bool = False,
        enveloped: bool = False,
    ) -> bytes:
        """A signed call: the protocol's recipe, or (`enveloped`) SAT's published inclusive-c14n example."""
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"s": SOAP, "des": DES})
        etree.SubElement(envelope, f"{{{SOAP}}}Header")
        body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
        operation_element = etree.SubElement(body, f"{{{DES}}}{operation}")
        request = etree.SubElement(operation_element, f"{{{DES}}}{request_name}")
        for name in sorted(attributes):
            request.set(name, attributes[name])
        if enveloped:
            digest = base64.b64encode(hashlib.sha1(etree.tostring(envelope, method="c14n")).digest()).decode()  # noqa: S324
            signature = self._signature(request, "", digest, inclusive=True)
        else:
            signature = self._signature(request, "", _digest(operation_element))
        self._key_info(signature)
        if tamper:
            name = sorted(attributes)[0]
            request.set(name, attributes[name] + "0")
        return etree.tostring(envelope)

    def satcfdi_call(
        self,
        operation: str,
        attributes: dict[str, str],
        *,
        request_name: str = "solicitud",
        digest_method: str = f"{DS}sha1",
    ) -> bytes:
        """A signed call shaped as satcfdi (`satcfdi.pacs.sat`) sends it.

        Inclusive c14n, `Reference URI=""` with the enveloped-signature transform only, the digest over
        the operation element canonicalised in its context (so it carries the envelope's `xmlns:des` and
        `xmlns:s`) before the Signature is added, and the SignatureValue over SignedInfo canonicalised on
        its own. No whitespace between tags (satcfdi parses its templates with remove_blank_text).
        """
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"des": DES, "s": SOAP})
        etree.SubElement(envelope, f"{{{SOAP}}}Header")
        body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
        operation_element = etree.SubElement(body, f"{{{DES}}}{operation}")
        request = etree.SubElement(operation_element, f"{{{DES}}}{request_name}")
        for name, value in attributes.items():
            request.set(name, value)
        canonical = etree.tostring(operation_element, method="c14n", exclusive=False)
        digest = base64.b64encode(hashlib.sha1(canonical).digest()).decode()  # noqa: S324 -- satcfdi's form

        signed_info = etree.Element(f"{{{DS}}}SignedInfo", nsmap={None: DS})  # type: ignore[dict-item]
        etree.SubElement(signed_info, f"{{{DS}}}CanonicalizationMethod", Algorithm=_C14N)
        etree.SubElement(signed_info, f"{{{DS}}}SignatureMethod", Algorithm=f"{DS}rsa-sha1")
        reference = etree.SubElement(signed_info, f"{{{DS}}}Reference", URI="")
        transforms = etree.SubElement(reference, f"{{{DS}}}Transforms")
        etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm=f"{DS}enveloped-signature")
        etree.SubElement(reference, f"{{{DS}}}DigestMethod", Algorithm=digest_method)
        etree.SubElement(reference, f"{{{DS}}}DigestValue").text = digest
        seal = self.key.sign(etree.tostring(signed_info, method="c14n"), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303

        signature = etree.SubElement(request, f"{{{DS}}}Signature", nsmap={None: DS})  # type: ignore[dict-item]
        signature.append(signed_info)
        etree.SubElement(signature, f"{{{DS}}}SignatureValue").text = base64.b64encode(seal).decode()
        self._key_info(signature)
        return etree.tostring(envelope, encoding="UTF-8")  # satcfdi sends a declaration; SAT reads it

    def _key_info(self, signature: etree._Element) -> None:
        """KeyInfo as SAT's clients write it: issuer and decimal serial, then the DER certificate."""
        data = etree.SubElement(etree.SubElement(signature, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data")
        issuer_serial = etree.SubElement(data, f"{{{DS}}}X509IssuerSerial")
        etree.SubElement(
            issuer_serial, f"{{{DS}}}X509IssuerName"
        ).text = self.certificate.issuer.rfc4514_string()
        etree.SubElement(issuer_serial, f"{{{DS}}}X509SerialNumber").text = str(
            self.certificate.serial_number
        )
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = base64.b64encode(
            self.certificate.public_bytes(serialization.Encoding.DER)
        ).decode()

    def _signature(
        self, parent: etree._Element, uri: str, digest: str, *, inclusive: bool = False
    ) -> etree._Element:
        c14n = _C14N if inclusive else _EXC
        signature = etree.SubElement(parent, f"{{{DS}}}Signature", nsmap={None: DS})  # type: ignore[dict-item]
        signed_info = etree.SubElement(signature, f"{{{DS}}}SignedInfo")
        etree.SubElement(signed_info, f"{{{DS}}}CanonicalizationMethod", Algorithm=c14n)
        etree.SubElement(signed_info, f"{{{DS}}}SignatureMethod", Algorithm=f"{DS}rsa-sha1")
        reference = etree.SubElement(signed_info, f"{{{DS}}}Reference", URI=uri)
        transforms = etree.SubElement(reference, f"{{{DS}}}Transforms")
        if inclusive:
            etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm=f"{DS}enveloped-signature")
        etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm=c14n)
        etree.SubElement(reference, f"{{{DS}}}DigestMethod", Algorithm=f"{DS}sha1")
        etree.SubElement(reference, f"{{{DS}}}DigestValue").text = digest
        canonical = etree.tostring(signed_info, method="c14n", exclusive=not inclusive)
        value = self.key.sign(canonical, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 -- SAT's recipe
        etree.SubElement(signature, f"{{{DS}}}SignatureValue").text = base64.b64encode(value).decode()
        return signature


def fixture_signer(kind: str) -> Signer:
    """A signer with one of the shared fixture certificates: `fiel`, `csd` or `csd-expired`."""
    folder = SAT_FIXTURES / kind
    password = (folder / "EKU9003173C9-password.txt").read_text()
    return Signer.from_files(
        (folder / "EKU9003173C9.cer").read_bytes(), (folder / "EKU9003173C9.key").read_bytes(), password
    )


def _digest(element: etree._Element) -> str:
    canonical = etree.tostring(element, method="c14n", exclusive=True)
    return base64.b64encode(hashlib.sha1(canonical).digest()).decode()  # noqa: S324 -- SAT's recipe


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
