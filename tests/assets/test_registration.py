from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from assets._partitions import RFCS
from assets.registration import register_rfc, registered
from sandbox import generate_test_fiel
from schemas import PartitionError
from tests.paths import SHARED_FIXTURES
from tests.sandbox_plugin import SandboxFiel


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    monkeypatch.delenv("CFDI_ETL_WAREHOUSE", raising=False)
    return tmp_path


def test_an_rfc_is_registered_with_its_fiel_location_and_partition_but_never_its_password(
    homes: Path, sandbox_fiel: SandboxFiel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_FIEL_PASSWORD_" + sandbox_fiel.rfc, sandbox_fiel.password)
    message = register_rfc(sandbox_fiel.rfc.lower(), sandbox_fiel.certificate, sandbox_fiel.private_key)
    assert message.startswith(f"registered {sandbox_fiel.rfc}, e.firma checked")
    [location] = registered()
    assert (location.rfc, location.password_variable) == (
        sandbox_fiel.rfc,
        "CFDI_ETL_FIEL_PASSWORD_" + sandbox_fiel.rfc,
    )
    ledger = homes / "var" / "warehouse" / "ledger.sqlite"
    assert sandbox_fiel.password.encode() not in ledger.read_bytes()
    with dg.DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions(RFCS.name or "rfc") == [sandbox_fiel.rfc]


def test_a_malformed_rfc_is_refused_before_anything_is_recorded(
    homes: Path, sandbox_fiel: SandboxFiel
) -> None:
    with pytest.raises(PartitionError, match="is not an RFC"):
        register_rfc("NOT-AN-RFC", sandbox_fiel.certificate, sandbox_fiel.private_key)
    assert not (homes / "var").exists()


def test_an_efirma_of_another_rfc_is_refused(
    homes: Path, sandbox_fiel: SandboxFiel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_FIEL_PASSWORD_BBB020202BB1", sandbox_fiel.password)
    with pytest.raises(ValueError, match=f"belongs to {sandbox_fiel.rfc}, not to BBB020202BB1"):
        register_rfc("BBB020202BB1", sandbox_fiel.certificate, sandbox_fiel.private_key)


SAT_FIXTURES = SHARED_FIXTURES / "sat"
FIXTURE_RFC = "EKU9003173C9"


def _fixture(kind: str) -> tuple[Path, Path]:
    return SAT_FIXTURES / kind / f"{FIXTURE_RFC}.cer", SAT_FIXTURES / kind / f"{FIXTURE_RFC}.key"


def _no_password(monkeypatch: pytest.MonkeyPatch, rfc: str) -> None:
    monkeypatch.delenv("CFDI_ETL_FIEL_PASSWORD_" + rfc, raising=False)


def test_without_a_password_a_csd_is_refused_before_anything_is_recorded(
    homes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_password(monkeypatch, FIXTURE_RFC)
    with pytest.raises(ValueError, match=r"is a CSD \(sello digital"):
        register_rfc(FIXTURE_RFC, *_fixture("csd"))
    assert not (homes / "var").exists()


def test_without_a_password_an_expired_certificate_is_refused_before_anything_is_recorded(
    homes: Path, sandbox_fiel: SandboxFiel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_password(monkeypatch, sandbox_fiel.rfc)
    now = datetime.now(UTC)
    expired = generate_test_fiel(
        sandbox_fiel.rfc,
        tmp_path / "expired",
        sandbox_fiel.password,
        ca_dir=tmp_path / "test-ca",
        valid_from=now - timedelta(days=800),
        valid_until=now - timedelta(days=1),
    )
    with pytest.raises(ValueError, match=r"This e\.firma expired on"):
        register_rfc(sandbox_fiel.rfc, expired.certificate, expired.private_key)
    assert not (homes / "var").exists()


def test_without_a_password_an_expired_csd_is_refused_saying_both(
    homes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_password(monkeypatch, FIXTURE_RFC)
    with pytest.raises(ValueError, match=r"is a CSD .* It also expired on 2023-06-17"):
        register_rfc(FIXTURE_RFC, *_fixture("csd-expired"))
    assert not (homes / "var").exists()


def test_without_a_password_a_certificate_of_another_rfc_is_refused_before_anything_is_recorded(
    homes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_password(monkeypatch, "BBB020202BB1")
    with pytest.raises(ValueError, match=f"belongs to {FIXTURE_RFC}, not to BBB020202BB1"):
        register_rfc("BBB020202BB1", *_fixture("fiel"))
    assert not (homes / "var").exists()


def test_without_a_password_a_good_certificate_is_registered_saying_the_key_is_not_yet_checked(
    homes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_password(monkeypatch, FIXTURE_RFC)
    message = register_rfc(FIXTURE_RFC, *_fixture("fiel"))
    assert message == (
        f"registered {FIXTURE_RFC}, certificate checked, key not yet (no password) (valid until 2027-05-17)"
        f"; set CFDI_ETL_FIEL_PASSWORD_{FIXTURE_RFC} before a run"
    )


@pytest.mark.parametrize(
    ("bad", "reason"),
    [("csd", "is a CSD"), ("csd-expired", "is a CSD"), ("other-rfc", "belongs to BBB020202BB1, not to")],
)
def test_a_refused_certificate_never_replaces_a_good_registration(
    homes: Path, bad: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_password(monkeypatch, FIXTURE_RFC)
    good_cer, good_key = _fixture("fiel")
    register_rfc(FIXTURE_RFC, good_cer, good_key)
    if bad == "other-rfc":
        # another taxpayer's e.firma offered for this RFC: here a fresh test e.firma of BBB020202BB1
        other = generate_test_fiel("BBB020202BB1", homes / "other", "secret", ca_dir=homes / "test-ca")
        cer, key = other.certificate, other.private_key
    else:
        cer, key = _fixture(bad)
    with pytest.raises(ValueError, match=reason):
        register_rfc(FIXTURE_RFC, cer, key)
    [location] = registered()
    assert (location.cer_path, location.key_path) == (good_cer.resolve(), good_key.resolve())
