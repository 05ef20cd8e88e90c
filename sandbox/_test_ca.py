"""The sandbox's own test CA, and test FIELs (or CSDs) it issues for any RFC.

The CA's key is a throwaway that exists only in the sandbox's data directory (`var/` by default, never in
the repository); it can issue certificates the sandbox trusts and nothing else trusts.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

__all__ = ["FielPaths", "generate_test_fiel", "load_or_create_test_ca", "test_ca_dir"]

_CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "cfdi-etl sandbox test CA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cfdi-etl sandbox (not SAT)"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
    ]
)
_CA_DIR = "ca"
_CA_CERTIFICATE = "test-ca.cer"
_CA_KEY = "test-ca.key.pem"


@dataclass(frozen=True)
class FielPaths:
    """Where a generated test FIEL was written: certificate (DER) and encrypted PKCS#8 DER key."""

    certificate: Path
    private_key: Path


def test_ca_dir(data_dir: Path) -> Path:
    """Where a sandbox over `data_dir` keeps its test CA unless told otherwise."""
    return data_dir / _CA_DIR


def load_or_create_test_ca(folder: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The test CA kept in `folder`, created on first use.

    A new CA is written into a private directory that is then renamed to `folder`: when two processes
    create one at once, the first rename wins and the other loads the winner's, so every FIEL issued
    from `folder` stays trusted.
    """
    if not (folder / _CA_CERTIFICATE).is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        _write_new_ca(staging)
        try:
            staging.rename(folder)
        except OSError:  # another process created it first
            shutil.rmtree(staging, ignore_errors=True)
    key = serialization.load_pem_private_key((folder / _CA_KEY).read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(
            f"{folder / _CA_KEY} does not hold an RSA key; delete {folder} to create a new test CA"
        )
    return x509.load_der_x509_certificate((folder / _CA_CERTIFICATE).read_bytes()), key


def _write_new_ca(folder: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_CA_NAME)
        .issuer_name(_CA_NAME)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_atomically(
        folder / _CA_KEY,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    _write_atomically(folder / _CA_CERTIFICATE, certificate.public_bytes(serialization.Encoding.DER))


def generate_test_fiel(
    rfc: str,
    out_dir: Path,
    password: str,
    *,
    data_dir: Path | None = None,
    ca_dir: Path | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    organizational_unit: str | None = None,
) -> FielPaths:
    """Issue a test FIEL for `rfc` from the sandbox's test CA (`ca_dir`, default `<data_dir>/ca`; one of
    the two is required: the sandbox reads no settings, its callers name its data directory).

    Writes `<RFC>.cer` (DER) and `<RFC>.key` (PKCS#8 DER encrypted with `password`) into `out_dir`.
    `organizational_unit` makes it a CSD instead (SAT refuses those); the validity window defaults to
    yesterday .. four years from now, and can be moved into the past to make an expired certificate.
    """
    if not password:
        raise ValueError("a test FIEL needs a non-empty password for its private key")
    if ca_dir is None:
        if data_dir is None:
            raise ValueError("name the sandbox's data directory or its test CA's folder (data_dir or ca_dir)")
        ca_dir = test_ca_dir(data_dir)
    rfc = rfc.strip().upper()
    ca_certificate, ca_key = load_or_create_test_ca(ca_dir)
    now = dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, f"CONTRIBUYENTE DE PRUEBA {rfc}", _type=_ASN1Type.UTF8String),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"CONTRIBUYENTE DE PRUEBA {rfc}", _ASN1Type.UTF8String),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, rfc, _type=_ASN1Type.UTF8String),
    ]
    if organizational_unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, organizational_unit))
    # SAT's serials are 20 ASCII digits read as bytes ("certificate number"); imitate that shape.
    certificate_number = "30001" + "".join(secrets.choice("0123456789") for _ in range(15))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(certificate_number.encode("ascii"), "big"))
        .not_valid_before(valid_from or now - dt.timedelta(days=1))
        .not_valid_after(valid_until or now + dt.timedelta(days=4 * 365))
        .sign(ca_key, hashes.SHA256())
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = FielPaths(certificate=out_dir / f"{rfc}.cer", private_key=out_dir / f"{rfc}.key")
    _write_atomically(paths.certificate, certificate.public_bytes(serialization.Encoding.DER))
    _write_atomically(
        paths.private_key,
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password.encode()),
        ),
    )
    return paths


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    partial.replace(path)
