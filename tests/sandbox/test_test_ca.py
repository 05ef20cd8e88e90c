"""The sandbox's test CA and the test FIELs it issues."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from etl.sat import Fiel, FielError
from sandbox import generate_test_fiel
from sandbox._test_ca import load_or_create_test_ca


def test_a_test_fiel_is_a_fiel_of_its_rfc_signed_by_the_test_ca_with_an_encrypted_key(tmp_path: Path) -> None:
    paths = generate_test_fiel("Ñ&A010101AAA", tmp_path / "out", "secreto", ca_dir=tmp_path / "ca")
    certificate = x509.load_der_x509_certificate(paths.certificate.read_bytes())
    ca, _ = load_or_create_test_ca(tmp_path / "ca")
    certificate.verify_directly_issued_by(ca)
    assert not certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    with pytest.raises(TypeError):  # encrypted: no key without the password
        serialization.load_der_private_key(paths.private_key.read_bytes(), password=None)
    fiel = Fiel.from_files(paths.certificate, paths.private_key, "secreto")
    assert fiel.rfc == "Ñ&A010101AAA"
    assert fiel.certificate_number.isdigit()
    assert len(fiel.certificate_number) == 20


def test_a_test_csd_is_refused_by_the_client_as_a_real_one_would_be(tmp_path: Path) -> None:
    paths = generate_test_fiel(
        "AAA010101AAA", tmp_path, "secreto", ca_dir=tmp_path / "ca", organizational_unit="X"
    )
    with pytest.raises(FielError):
        Fiel.from_files(paths.certificate, paths.private_key, "secreto")


def test_processes_creating_the_test_ca_at_once_all_end_up_with_the_same_one(tmp_path: Path) -> None:
    found: list[bytes] = []

    def create() -> None:
        certificate, _ = load_or_create_test_ca(tmp_path / "ca")
        found.append(certificate.fingerprint(hashes.SHA256()))

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4
    assert len(set(found)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ca"]  # the losers' drafts are gone
