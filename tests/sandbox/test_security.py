"""Autentica and the signed calls: what SAT checks before it looks at a request's parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from etl.sat import Fiel, RequestBuilder
from sandbox import SandboxServer, generate_test_fiel
from tests.paths import SAT_FIXTURES
from tests.sandbox.catalogs import FixtureCatalog
from tests.sandbox.envelopes import Signer, fixture_signer
from tests.sandbox.soap import post, result_attributes, token_for
from tests.sandbox_plugin import SandboxClock

_PASSWORD = "12345678a"
_VERIFY = "VerificaSolicitudDescarga"


def _generated_signer(server: SandboxServer, out: Path, rfc: str, **options: object) -> Signer:
    ca_dir = server.config.ca_dir
    paths = generate_test_fiel(rfc, out, _PASSWORD, ca_dir=ca_dir, **options)  # type: ignore[arg-type]
    return Signer.from_files(paths.certificate.read_bytes(), paths.private_key.read_bytes(), _PASSWORD)


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(catalog=FixtureCatalog(documents=3))


def _verify(
    server: SandboxServer, signer: Signer, token: str | None, rfc: str, *, tamper: bool = False
) -> dict[str, str]:
    attributes = {"IdSolicitud": "4e80345d-917f-40bb-a98f-4a73939343c5", "RfcSolicitante": rfc}
    body = signer.call(_VERIFY, attributes, tamper=tamper)
    answer = post(server.base_url, "cfdi", _VERIFY, body, token)
    assert answer.status == 200
    return result_attributes(answer, "VerificaSolicitudDescargaResult")


def test_the_fixture_fiel_built_by_the_real_client_authenticates_with_a_five_minute_token(
    server: SandboxServer,
) -> None:
    folder = SAT_FIXTURES / "fiel"
    fiel = Fiel.from_files(
        folder / "EKU9003173C9.cer",
        folder / "EKU9003173C9.key",
        (folder / "EKU9003173C9-password.txt").read_text(),
    )
    answer = post(server.base_url, "cfdi", "Autentica", RequestBuilder(fiel).authenticate())
    assert answer.status == 200
    token = answer.text("AutenticaResult")
    assert "%26wrap_subject%3d" in token
    created = dt.datetime.fromisoformat(answer.text("Created"))
    expires = dt.datetime.fromisoformat(answer.text("Expires"))
    assert expires - created == dt.timedelta(minutes=5)


@pytest.mark.parametrize("problem", ["tampered", "expired timestamp", "future timestamp", "unknown CA"])
def test_a_bad_autentica_gets_the_invalid_security_fault(
    server: SandboxServer, tmp_path: Path, problem: str
) -> None:
    signer = fixture_signer("fiel")
    now = dt.datetime.now(dt.UTC)
    created, expires = now, now + dt.timedelta(minutes=5)
    if problem == "expired timestamp":
        created, expires = now - dt.timedelta(minutes=10), now - dt.timedelta(minutes=5)
    if problem == "future timestamp":
        created, expires = now + dt.timedelta(minutes=10), now + dt.timedelta(minutes=15)
    if problem == "unknown CA":
        signer = _self_signed("AAA010101AAA")
    answer = post(
        server.base_url,
        "cfdi",
        "Autentica",
        signer.authenticate(created, expires, tamper=problem == "tampered"),
    )
    assert answer.status == 500
    assert answer.text("faultcode") == "a:InvalidSecurity"
    assert answer.text("faultstring") == "An error occurred when verifying security for the message."


def test_a_verify_signed_by_the_fiel_that_authenticated_is_answered(server: SandboxServer) -> None:
    signer = fixture_signer("fiel")
    result = _verify(server, signer, token_for(server.base_url, signer), "EKU9003173C9")
    assert result["CodEstatus"] == "5004"  # authenticated and signed correctly; the id is simply unknown


def test_a_call_without_a_token_or_with_another_familys_token_gets_300(server: SandboxServer) -> None:
    signer = fixture_signer("fiel")
    assert _verify(server, signer, None, "EKU9003173C9")["CodEstatus"] == "300"
    retenciones_token = token_for(server.base_url, signer, service="retenciones")
    assert _verify(server, signer, retenciones_token, "EKU9003173C9")["CodEstatus"] == "300"
    assert _verify(server, signer, "not-a-token", "EKU9003173C9")["CodEstatus"] == "300"


def test_a_token_stops_working_when_its_lifetime_ends(
    sandbox_factory: Callable[..., SandboxServer], sandbox_clock: SandboxClock
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(documents=1), token_lifetime_seconds=2.0)
    signer = fixture_signer("fiel")
    token = token_for(server.base_url, signer)
    assert _verify(server, signer, token, "EKU9003173C9")["CodEstatus"] == "5004"
    sandbox_clock.advance(2.1)
    assert _verify(server, signer, token, "EKU9003173C9")["CodEstatus"] == "300"


def test_a_call_changed_after_signing_gets_302(server: SandboxServer) -> None:
    signer = fixture_signer("fiel")
    assert (
        _verify(server, signer, token_for(server.base_url, signer), "EKU9003173C9", tamper=True)["CodEstatus"]
        == "302"
    )


def test_a_call_for_another_rfc_than_the_certificates_gets_303(server: SandboxServer, tmp_path: Path) -> None:
    other = _generated_signer(server, tmp_path, "AAA010101AAA")
    token = token_for(server.base_url, other)
    assert _verify(server, other, token, "EKU9003173C9")["CodEstatus"] == "303"


def test_a_csd_authenticates_but_its_calls_get_305(server: SandboxServer) -> None:
    csd = fixture_signer("csd")
    assert _verify(server, csd, token_for(server.base_url, csd), "EKU9003173C9")["CodEstatus"] == "305"


def test_an_expired_certificate_gets_304(server: SandboxServer, tmp_path: Path) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    expired = _generated_signer(
        server, tmp_path, "AAA010101AAA", valid_from=past - dt.timedelta(days=365), valid_until=past
    )
    assert (
        _verify(server, expired, token_for(server.base_url, expired), "AAA010101AAA")["CodEstatus"] == "304"
    )


def test_the_retired_single_solicita_descarga_action_gets_action_not_supported(server: SandboxServer) -> None:
    import httpx

    response = httpx.post(
        f"{server.base_url}/cfdi/SolicitaDescargaService.svc",
        content=b"<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body/></s:Envelope>",
        headers={
            "SOAPAction": "http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescarga"
        },
    )
    assert response.status_code == 500
    assert b"a:ActionNotSupported" in response.content


def _self_signed(rfc: str) -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "impostor"),
                      x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, rfc)])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256())
    )  # fmt: skip
    return Signer(certificate, key)
