from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from etl.sat import Fiel, FielError, FielProblem
from tests.etl.sat.conftest import credential_paths
from tests.paths import SAT_FIXTURES

FIEL_PEM_KEY = SAT_FIXTURES / "fiel" / "EKU9003173C9.key.pem"


def test_a_fiel_exposes_rfc_serial_certificate_number_issuer_and_validity(fiel: Fiel) -> None:
    assert fiel.rfc == "EKU9003173C9"
    assert fiel.serial_number == 292233162870206001759766198462772978647764840757
    assert fiel.certificate_number == "30001000000500003415"
    assert "CN=AC UAT" in fiel.issuer_name
    assert "O=SERVICIO DE ADMINISTRACION TRIBUTARIA" in fiel.issuer_name
    assert fiel.not_before == datetime(2023, 5, 18, 4, 37, 14, tzinfo=UTC)
    assert fiel.not_after == datetime(2027, 5, 17, 4, 37, 14, tzinfo=UTC)


def test_a_fiel_signs_with_rsa_sha1_verifiable_by_its_certificate(fiel: Fiel) -> None:
    signature = fiel.sign_sha1(b"hola")
    public_key = fiel.certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(signature, b"hola", padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - SAT's algorithm


def test_an_unencrypted_pem_key_and_a_pem_certificate_load_with_or_without_password(tmp_path: Path) -> None:
    cer, _, password = credential_paths("fiel")
    pem_cer = tmp_path / "fiel.cer.pem"
    pem_cer.write_bytes(
        x509.load_der_x509_certificate(cer.read_bytes()).public_bytes(serialization.Encoding.PEM)
    )
    assert Fiel.from_files(pem_cer, FIEL_PEM_KEY, None).rfc == "EKU9003173C9"
    assert Fiel.from_files(cer, FIEL_PEM_KEY, password).rfc == "EKU9003173C9"


def test_an_encrypted_pem_key_loads_with_its_password(tmp_path: Path) -> None:
    cer, _, _ = credential_paths("fiel")
    key = serialization.load_pem_private_key(FIEL_PEM_KEY.read_bytes(), None)
    encrypted = tmp_path / "fiel.key.pem"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"otra clave"),
        )
    )
    assert Fiel.from_files(cer, encrypted, "otra clave").rfc == "EKU9003173C9"
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, encrypted, "12345678a")
    assert refused.value.problem is FielProblem.WRONG_PASSWORD


def test_a_csd_is_refused_as_not_a_fiel() -> None:
    cer, key, password = credential_paths("csd")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, password)
    assert refused.value.problem is FielProblem.NOT_A_FIEL
    assert "CSD" in str(refused.value)
    assert "e.firma" in str(refused.value)


def test_an_expired_csd_is_refused_saying_both_what_it_is_and_that_it_expired() -> None:
    cer, key, password = credential_paths("csd-expired")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, password)
    assert refused.value.problem is FielProblem.NOT_A_FIEL
    assert "is a CSD" in str(refused.value)
    assert "It also expired on 2023-06-17 19:44 UTC." in str(refused.value)
    assert "expired" not in str(_refusal_of("csd")), "a current CSD is not called expired"


def _refusal_of(kind: str) -> FielError:
    cer, key, password = credential_paths(kind)
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, password)
    return refused.value


def test_an_expired_certificate_is_refused() -> None:
    cer, key, password = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, password, now=datetime(2027, 5, 18, tzinfo=UTC))
    assert refused.value.problem is FielProblem.EXPIRED
    assert "expired on 2027-05-17" in str(refused.value)


def test_a_certificate_not_yet_valid_is_refused() -> None:
    cer, key, password = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, password, now=datetime(2023, 5, 1, tzinfo=UTC))
    assert refused.value.problem is FielProblem.NOT_YET_VALID
    assert "valid only from 2023-05-18" in str(refused.value)


def test_a_key_of_another_certificate_is_refused() -> None:
    cer, _, password = credential_paths("fiel")
    _, csd_key, _ = credential_paths("csd")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, csd_key, password)
    assert refused.value.problem is FielProblem.KEY_DOES_NOT_MATCH


def test_a_wrong_password_is_refused_saying_so_without_the_password() -> None:
    cer, key, _ = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, "contraseña-equivocada")
    assert refused.value.problem is FielProblem.WRONG_PASSWORD
    assert "Wrong password" in str(refused.value)
    assert "contraseña-equivocada" not in str(refused.value)
    assert refused.value.__suppress_context__, "the library's error is not chained into the user's traceback"


def test_a_wrong_password_whose_decryption_looks_valid_is_still_called_a_wrong_password() -> None:
    # With this password the decrypted bytes happen to end in valid padding (about 1 in 256 wrong
    # passwords do), so cryptography fails later, parsing the key, with no word of a password.
    cer, key, _ = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, "wrong-31")
    assert refused.value.problem is FielProblem.WRONG_PASSWORD
    assert "Wrong password" in str(refused.value)


def test_a_missing_password_for_an_encrypted_key_is_refused() -> None:
    cer, key, _ = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, key, None)
    assert refused.value.problem is FielProblem.WRONG_PASSWORD


def test_a_file_that_is_not_a_certificate_is_refused(tmp_path: Path) -> None:
    _, key, password = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(key, key, password)
    assert refused.value.problem is FielProblem.NOT_A_CERTIFICATE
    assert "not an X.509 certificate" in str(refused.value)


def test_a_file_that_is_not_a_key_is_refused() -> None:
    cer, _, password = credential_paths("fiel")
    with pytest.raises(FielError) as refused:
        Fiel.from_files(cer, cer, password)
    assert refused.value.problem is FielProblem.NOT_A_KEY


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    _, key, password = credential_paths("fiel")
    missing = tmp_path / "nada.cer"
    with pytest.raises(FielError) as refused:
        Fiel.from_files(missing, key, password)
    assert refused.value.problem is FielProblem.NOT_A_CERTIFICATE
    assert str(missing) in str(refused.value)


def test_the_private_key_never_shows_in_repr_and_cannot_be_pickled(fiel: Fiel) -> None:
    key = serialization.load_pem_private_key(FIEL_PEM_KEY.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    private_number = str(key.private_numbers().d)
    text = repr(fiel)
    assert text.startswith("Fiel(rfc='EKU9003173C9'")
    assert private_number not in text
    assert "PRIVATE" not in text
    with pytest.raises(TypeError, match="private key"):
        pickle.dumps(fiel)
