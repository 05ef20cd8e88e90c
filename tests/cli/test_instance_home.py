"""The Dagster instance follows CFDI_ETL_HOME, and commands need no particular working directory."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from assets._instance import instance_config
from assets._partitions import RFCS
from cli.main import main
from tests.sandbox_plugin import SandboxFiel


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory outside the repository, with no DAGSTER_HOME and no CFDI_ETL_HOME."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for variable in ("DAGSTER_HOME", "CFDI_ETL_HOME", "CFDI_ETL_WAREHOUSE"):
        # set first, so that monkeypatch restores the variable even though the command sets DAGSTER_HOME
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)
    return cwd


def _add(fiel: SandboxFiel) -> str:
    result = CliRunner().invoke(
        main, ["rfc", "add", fiel.rfc, "--cer", str(fiel.certificate), "--key", str(fiel.private_key)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    return result.output


def test_the_dagster_instance_is_created_under_cfdi_etl_home(
    elsewhere: Path, tmp_path: Path, sandbox_fiel: SandboxFiel, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "etl-home"
    monkeypatch.setenv("CFDI_ETL_HOME", str(home))
    _add(sandbox_fiel)
    instance_dir = home / "dagster"
    assert json.loads((instance_dir / "dagster.yaml").read_text()) == instance_config(instance_dir.resolve())
    assert (instance_dir / "storage" / "history" / "runs.db").is_file(), (
        "the runs are not under CFDI_ETL_HOME"
    )
    assert not (elsewhere / "var").exists()
    monkeypatch.setenv("DAGSTER_HOME", str(instance_dir))  # what the README gives `dagster dev`
    with dg.DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions(RFCS.name or "rfc") == [sandbox_fiel.rfc]


def test_rfc_add_works_from_outside_the_repository_with_state_under_the_working_directory(
    elsewhere: Path, sandbox_fiel: SandboxFiel
) -> None:
    output = _add(sandbox_fiel)
    assert output.startswith(f"registered {sandbox_fiel.rfc}")
    assert (elsewhere / "var" / "dagster" / "dagster.yaml").is_file()
    assert (elsewhere / "var" / "warehouse" / "ledger.sqlite").is_file()
