"""What the sandbox decides about a certificate: whose RFC, which kind, trusted, in force.

Trust is granted to two issuers:

- the sandbox's own test CA (kept in the data directory): any certificate it signed, checked by signature;
- SAT's test CA "AC UAT", which issued the shared fixture FIEL and CSDs. Its CA certificate is not in the
  fixtures, so its signature cannot be checked here; instead a certificate is trusted when its issuer is
  "AC UAT" of SERVICIO DE ADMINISTRACION TRIBUTARIA *and* its SHA-256 fingerprint is one recorded below
  (the three fixture certificates). This is an allow-list of known certificates, not chain validation.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID, ObjectIdentifier

__all__ = ["CertificateVerdict", "Trust", "certificate_number", "rfc_of"]

_UNIQUE_IDENTIFIER = ObjectIdentifier("2.5.4.45")

_SAT_TEST_CA_COMMON_NAME = "AC UAT"
_SAT_TEST_CA_ORGANIZATION = "SERVICIO DE ADMINISTRACION TRIBUTARIA"
# SHA-256 of the DER of ../shared/fixtures/sat/{fiel,csd,csd-expired}/EKU9003173C9.cer.
_SAT_TEST_CERTIFICATES = frozenset(
    {
        "256432344c27b1e0d7884913abec66441871ad297faf5819999a68b18a6556b0",  # fiel
        "92be3ef448e0fd01467f3b0cbd8e77b568d84ea58f22f5afa400b2ec99bbbb53",  # csd
        "eb589865c54ef8c2c0ac3d907fb6520a4f662760dfe158f45960e24b946c86ff",  # csd-expired
    }
)


class CertificateVerdict(enum.Enum):
    """What SAT would say about a certificate, in the order it checks."""

    VALID = "valid"
    UNTRUSTED = "untrusted"
    NOT_A_FIEL = "not a FIEL"  # a CSD: its subject has an OU
    EXPIRED = "expired or not yet valid"


def rfc_of(certificate: x509.Certificate) -> str:
    """The first RFC of the subject's x500UniqueIdentifier (a company's also names its representative)."""
    values = certificate.subject.get_attributes_for_oid(_UNIQUE_IDENTIFIER)
    if not values:
        return ""
    value = values[0].value
    text = value.decode() if isinstance(value, bytes) else value
    return text.split("/")[0].strip().upper()


def certificate_number(certificate: x509.Certificate) -> str:
    """SAT's certificate number: the serial's bytes read as ASCII digits, or its hex when they are not."""
    raw = certificate.serial_number.to_bytes((certificate.serial_number.bit_length() + 7) // 8, "big")
    return raw.decode("ascii") if raw.isascii() and raw.decode("ascii").isdigit() else raw.hex()


@dataclass(frozen=True)
class Trust:
    """The certificates the sandbox accepts, as SAT does with its own CAs."""

    test_ca: x509.Certificate

    def verdict(self, certificate: x509.Certificate, now: dt.datetime) -> CertificateVerdict:
        if not self._trusted(certificate):
            return CertificateVerdict.UNTRUSTED
        if certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):
            return CertificateVerdict.NOT_A_FIEL
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            return CertificateVerdict.EXPIRED
        return CertificateVerdict.VALID

    def _trusted(self, certificate: x509.Certificate) -> bool:
        if certificate.issuer == self.test_ca.subject:
            try:
                certificate.verify_directly_issued_by(self.test_ca)
            except (InvalidSignature, ValueError, TypeError):
                return False
            return True
        issuer = certificate.issuer
        return (
            _names(issuer, NameOID.COMMON_NAME) == [_SAT_TEST_CA_COMMON_NAME]
            and _names(issuer, NameOID.ORGANIZATION_NAME) == [_SAT_TEST_CA_ORGANIZATION]
            and hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest() in _SAT_TEST_CERTIFICATES
        )


def _names(name: x509.Name, oid: ObjectIdentifier) -> list[str]:
    return [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]
