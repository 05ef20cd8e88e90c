"""The taxpayer's e.firma (FIEL): certificate and private key, checked before anything goes to SAT."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from etl.sat._errors import FielError, FielProblem

__all__ = ["CertificateFacts", "Fiel", "check_certificate"]

_PEM_MARKER = b"-----BEGIN"


class Fiel:
    """A checked e.firma: a FIEL certificate valid now and the RSA key that belongs to it.

    The private key is held only to sign; it never appears in `repr`, in messages or in logs.
    """

    __slots__ = ("_certificate", "_key")

    def __init__(
        self,
        certificate: x509.Certificate,
        private_key: rsa.RSAPrivateKey,
        *,
        now: datetime | None = None,
    ) -> None:
        now = now or datetime.now(UTC)
        _refuse_a_csd(certificate, now)
        _refuse_outside_validity(certificate, now)
        if certificate.public_key() != private_key.public_key():
            raise FielError(
                FielProblem.KEY_DOES_NOT_MATCH,
                "The private key does not belong to this certificate: use the .key file that was issued "
                "together with this .cer.",
            )
        self._certificate = certificate
        self._key = private_key

    @classmethod
    def from_files(
        cls,
        cer_path: str | Path,
        key_path: str | Path,
        password: str | bytes | None,
        *,
        now: datetime | None = None,
    ) -> Fiel:
        """Load a certificate (DER or PEM) and a key (encrypted PKCS#8 DER, or PEM) and check them."""
        cer_path, key_path = Path(cer_path), Path(key_path)
        cer_bytes = _read(cer_path, FielProblem.NOT_A_CERTIFICATE, "certificate")
        key_bytes = _read(key_path, FielProblem.NOT_A_KEY, "private key")
        return cls.from_bytes(
            cer_bytes, key_bytes, password, now=now, cer_name=str(cer_path), key_name=str(key_path)
        )

    @classmethod
    def from_bytes(
        cls,
        cer_bytes: bytes,
        key_bytes: bytes,
        password: str | bytes | None,
        *,
        now: datetime | None = None,
        cer_name: str = "the certificate",
        key_name: str = "the private key",
    ) -> Fiel:
        """Like `from_files`, from the files' contents."""
        certificate = _load_certificate(cer_bytes, cer_name)
        key = _load_key(key_bytes, password, key_name)
        return cls(certificate, key, now=now)

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def rfc(self) -> str:
        """The taxpayer's RFC: for a company the first of `company / legal representative`."""
        return _rfc_of(self._certificate)

    @property
    def serial_number(self) -> int:
        """The certificate's serial; its decimal form is what `X509SerialNumber` carries."""
        return self._certificate.serial_number

    @property
    def certificate_number(self) -> str:
        """SAT's "número de certificado": the serial's bytes read as ASCII digits."""
        serial = self.serial_number
        raw = serial.to_bytes((serial.bit_length() + 7) // 8, "big")
        text = raw.decode("ascii", errors="replace")
        return text if text.isdigit() else format(serial, "x")

    @property
    def issuer_name(self) -> str:
        """The issuer's distinguished name as an RFC 4514 string (what `X509IssuerName` carries)."""
        return self._certificate.issuer.rfc4514_string()

    @property
    def not_before(self) -> datetime:
        return self._certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self._certificate.not_valid_after_utc

    @property
    def certificate_der(self) -> bytes:
        return self._certificate.public_bytes(serialization.Encoding.DER)

    @property
    def certificate_base64(self) -> str:
        """The certificate's DER in base64 on one line, as the signatures carry it."""
        return base64.b64encode(self.certificate_der).decode("ascii")

    def sign_sha1(self, data: bytes) -> bytes:
        """RSA PKCS#1 v1.5 with SHA-1, the only signature SAT's service accepts."""
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - SAT's protocol

    def __repr__(self) -> str:
        return (
            f"Fiel(rfc={self.rfc!r}, certificate_number={self.certificate_number!r}, "
            f"valid_until={self.not_after.isoformat()!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would write the private key in clear wherever the pickle lands.
        raise TypeError("a Fiel cannot be pickled: it holds a private key; pass the file paths instead")


class CertificateFacts(NamedTuple):
    """What an e.firma's certificate says without its key: whose it is and until when."""

    rfc: str
    not_after: datetime


def check_certificate(
    cer_path: str | Path, *, now: datetime | None = None, validity: bool = True
) -> CertificateFacts:
    """Check what the .cer alone can tell, with the same rules as `Fiel`: an e.firma (not a CSD), valid now.

    For when the key's password is not at hand; the key itself is checked only by `Fiel`. With
    `validity=False` an expired certificate is not refused, for telling when it expired.
    """
    path = Path(cer_path)
    certificate = _load_certificate(_read(path, FielProblem.NOT_A_CERTIFICATE, "certificate"), str(path))
    now = now or datetime.now(UTC)
    _refuse_a_csd(certificate, now)
    if validity:
        _refuse_outside_validity(certificate, now)
    return CertificateFacts(_rfc_of(certificate), certificate.not_valid_after_utc)


def _read(path: Path, problem: FielProblem, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FielError(problem, f"Cannot read the {what} file {path}: {error.strerror}.") from None


def _load_certificate(data: bytes, name: str) -> x509.Certificate:
    try:
        if data.lstrip().startswith(_PEM_MARKER):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise FielError(
            FielProblem.NOT_A_CERTIFICATE,
            f"{name} is not an X.509 certificate: give the e.firma's .cer file (DER or PEM).",
        ) from None


def _load_key(data: bytes, password: str | bytes | None, name: str) -> rsa.RSAPrivateKey:
    secret = password.encode("utf-8") if isinstance(password, str) else password
    is_pem = data.lstrip().startswith(_PEM_MARKER)
    load = serialization.load_pem_private_key if is_pem else serialization.load_der_private_key
    try:
        try:
            key = load(data, secret or None)
        except TypeError:
            # cryptography refuses a password for a key that is not encrypted, and the reverse;
            # only the reverse is the user's problem.
            if not secret:
                raise FielError(
                    FielProblem.WRONG_PASSWORD,
                    f"{name} is encrypted and no password was given: give the e.firma's password.",
                ) from None
            key = load(data, None)
    except (ValueError, UnsupportedAlgorithm):
        if secret and _is_encrypted_key(load, data):
            raise FielError(
                FielProblem.WRONG_PASSWORD,
                f"Wrong password for {name}: give the password of this e.firma's private key.",
            ) from None
        raise FielError(
            FielProblem.NOT_A_KEY,
            f"{name} is not a private key: give the e.firma's .key file (encrypted PKCS#8 DER, or PEM).",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise FielError(FielProblem.NOT_A_KEY, f"{name} is not an RSA key; an e.firma's key always is.")
    return key


def _is_encrypted_key(load: Callable[[bytes, bytes | None], object], data: bytes) -> bool:
    """Whether `data` is an encrypted private key, by its structure.

    A wrong password cannot be told from unreadable data by cryptography's message: about one wrong
    password in 256 decrypts to bytes with valid padding, and then fails later as a malformed key.
    Loading without a password says it structurally: an encrypted key raises TypeError.
    """
    try:
        load(data, None)
    except TypeError:
        return True
    except (ValueError, UnsupportedAlgorithm):
        pass
    return False


def _rfc_of(certificate: x509.Certificate) -> str:
    values = certificate.subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER)
    if not values:
        raise FielError(
            FielProblem.NOT_A_FIEL,
            "The certificate holds no RFC (x500UniqueIdentifier): it was not issued by SAT as an e.firma.",
        )
    value = values[0].value
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value
    return text.split("/")[0].strip().upper()


def _refuse_a_csd(certificate: x509.Certificate, now: datetime) -> None:
    _rfc_of(certificate)
    if certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):
        ends = certificate.not_valid_after_utc
        expired = f" It also expired on {ends:%Y-%m-%d %H:%M} UTC." if now > ends else ""
        raise FielError(
            FielProblem.NOT_A_FIEL,
            "This certificate is a CSD (sello digital, used to issue invoices), not an e.firma: SAT refuses "
            f"it for bulk download (code 305). Use the e.firma (FIEL) .cer and .key instead.{expired}",
        )


def _refuse_outside_validity(certificate: x509.Certificate, now: datetime) -> None:
    starts, ends = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if now > ends:
        raise FielError(
            FielProblem.EXPIRED,
            f"This e.firma expired on {ends:%Y-%m-%d %H:%M} UTC: renew it with SAT and use the new files.",
        )
    if now < starts:
        raise FielError(
            FielProblem.NOT_YET_VALID,
            f"This e.firma is valid only from {starts:%Y-%m-%d %H:%M} UTC: check the computer's clock, or "
            "wait until then.",
        )
