from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from assets._partitions import RFCS
from assets.registration import register_rfc, registered
from etl.sat import QueryParametersError
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
    with pytest.raises(QueryParametersError, match="is not an RFC"):
        register_rfc("NOT-AN-RFC", sandbox_fiel.certificate, sandbox_fiel.private_key)
    assert not (homes / "var").exists()


def test_an_efirma_of_another_rfc_is_refused(
    homes: Path, sandbox_fiel: SandboxFiel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_FIEL_PASSWORD_BBB020202BB1", sandbox_fiel.password)
    with pytest.raises(ValueError, match=f"belongs to {sandbox_fiel.rfc}, not to BBB020202BB1"):
        register_rfc("BBB020202BB1", sandbox_fiel.certificate, sandbox_fiel.private_key)
