"""`cfdi-etl status check` against the sandbox: per-RFC figures, and one clear line for every bad input."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from etl.status import SAT_STATUS_BASE_URL
from pipeline import Settings
from sandbox import SandboxServer
from tests.etl.status._cases import RFC, FakeClock, epoch, load_metadata, status_sandbox
from warehouse import Warehouse, published_path

JUNE = dt.date(2025, 6, 1)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with status_sandbox(tmp_path / "sandbox", FakeClock(epoch(dt.datetime(2025, 8, 1)))) as server:
        yield server


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    with Warehouse.open(path) as wh:
        for direction in ("emitidos", "recibidos"):
            load_metadata(wh, JUNE, direction, dt.datetime(2025, 7, 1), tmp_path / "packages")
    return path


def _run(arguments: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, ["status", "check", *arguments], env=env)


def _env(sandbox: SandboxServer) -> dict[str, str]:
    return {
        "CFDI_ETL_STATUS_BASE_URL": sandbox.base_url + "/consulta",
        "CFDI_ETL_STATUS_CALLS_PER_SECOND": "0",
    }


def test_the_check_prints_per_rfc_what_was_checked_and_what_changed(
    sandbox: SandboxServer, warehouse_file: Path
) -> None:
    result = _run(
        ["--warehouse", str(warehouse_file), "--month", "2025-06", "--rfc", RFC.lower()], _env(sandbox)
    )
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith(RFC))
    assert " checked, " in line
    assert "vigente → cancelado" in line
    assert "0 error(s)" in line
    # The answers are published for readers.
    with Warehouse.open(published_path(warehouse_file), read_only=True) as published:
        assert (
            published.query("SELECT count(*) FROM cancelaciones WHERE consultado_en IS NOT NULL").item() > 0
        )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--month", "2025-13"], "'2025-13' is not a month as YYYY-MM"),
        (["--uuid", "not-a-uuid"], "'not-a-uuid' is not a UUID"),
        (["--rfc", "NOPE"], "is not an RFC"),
    ],
)
def test_bad_input_is_one_clear_line(
    arguments: list[str], message: str, sandbox: SandboxServer, warehouse_file: Path
) -> None:
    result = _run(["--warehouse", str(warehouse_file), *arguments], _env(sandbox))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_service_is_one_clear_line(warehouse_file: Path) -> None:
    env = {"CFDI_ETL_STATUS_BASE_URL": "http://127.0.0.1:9", "CFDI_ETL_STATUS_ATTEMPTS": "1"}
    result = _run(["--warehouse", str(warehouse_file), "--month", "2025-06"], env)
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9/ConsultaCFDIService.svc" in result.output
    assert result.output.count("\n") == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_missing_warehouse_or_a_bad_setting_is_one_clear_line(tmp_path: Path, warehouse_file: Path) -> None:
    missing = _run(["--warehouse", str(tmp_path / "none.duckdb")], {})
    assert missing.exit_code == 1
    assert "does not exist" in missing.output
    bad = _run(["--warehouse", str(warehouse_file)], {"CFDI_ETL_STATUS_CALLS_PER_SECOND": "fast"})
    assert bad.exit_code == 1
    assert "CFDI_ETL_STATUS_CALLS_PER_SECOND='fast' is not a number" in bad.output


def test_an_unknown_uuid_is_named_and_fails_the_command(sandbox: SandboxServer, warehouse_file: Path) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    result = _run(["--warehouse", str(warehouse_file), "--uuid", unknown], _env(sandbox))
    assert result.exit_code == 1
    assert f"{unknown}: not a CFDI of the warehouse" in result.output


def test_the_service_is_sat_by_default_and_the_sandbox_by_configuration_alone() -> None:
    assert Settings.from_env({}).status_service.base_url == SAT_STATUS_BASE_URL
    sandbox = {"CFDI_ETL_SAT_BASE_URL": "http://127.0.0.1:8765/"}
    assert Settings.from_env(sandbox).status_service.base_url == "http://127.0.0.1:8765/consulta"
    explicit = {"CFDI_ETL_SAT_BASE_URL": "http://a", "CFDI_ETL_STATUS_BASE_URL": "http://b"}
    assert Settings.from_env(explicit).status_service.base_url == "http://b"
    assert Settings.from_env({}).status_service.calls_per_second == 1.0


def test_a_warehouse_held_by_a_load_in_another_process_is_one_clear_line(
    sandbox: SandboxServer, warehouse_file: Path
) -> None:
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(warehouse_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        # a writer waits for the lock (CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS); here not at all
        env = {**_env(sandbox), "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS": "0"}
        result = _run(["--warehouse", str(warehouse_file), "--month", "2025-06"], env)
    finally:
        holder.communicate("")
    assert result.exit_code == 1
    assert "is held by another process" in result.output
    assert "Traceback" not in result.output
