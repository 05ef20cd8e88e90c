"""What `cfdi-etl run` prints when a month fails: no Dagster traceback, one last line saying what happened
and what to do; `--verbose` adds Dagster's own events; `--wait` stays until SAT is done."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assets._instance import instance_config
from cli.main import main
from sandbox import Fault, Operation
from tests.assets.conftest import PASSWORD_VARIABLE, RFC, Pipeline
from warehouse import Warehouse

MONTH = date(2026, 8, 1)


@pytest.fixture
def environment(pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    """`cfdi-etl run`'s configuration pointing at the test's sandbox, warehouse and Dagster instance."""
    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text(json.dumps(instance_config(home)))  # as every command writes it
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("CFDI_ETL_WAREHOUSE", pipeline.resource.warehouse)
    monkeypatch.setenv("CFDI_ETL_SAT_BASE_URL", pipeline.resource.sat_base_url)
    monkeypatch.setenv("CFDI_ETL_POLL_WAIT_SECONDS", "20")
    monkeypatch.setenv("CFDI_ETL_POLL_INTERVAL_SECONDS", "0.2")
    return pipeline


def _run(*options: str) -> Result:
    return CliRunner().invoke(
        main, ["run", RFC, "--from", f"{MONTH:%Y-%m}", "--to", f"{MONTH:%Y-%m}", *options]
    )


def _last_line(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def test_a_password_not_set_is_the_last_line_with_what_to_export_and_no_traceback(
    environment: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE)
    result = _run()
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Execution of step" not in result.output
    last = _last_line(result)
    assert last.startswith(f"Error: {RFC} {MONTH:%Y-%m}, step sat_requests: ")
    assert f"export {PASSWORD_VARIABLE}=" in last
    assert len(result.output.strip().splitlines()) < 10, result.output


def test_http_500_after_the_retries_says_sat_is_failing_and_to_try_later(environment: Pipeline) -> None:
    environment.sandbox.faults.inject(Fault.HTTP_500, operation=Operation.QUERY, times=None)
    result = _run()
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = _last_line(result)
    assert "HTTP 500" in last
    assert "try again later" in last


def test_verbose_adds_dagsters_events_and_traceback_and_still_ends_with_the_reason(
    environment: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE)
    result = _run("--verbose")
    assert result.exit_code == 1
    assert "STEP_FAILURE" in result.output
    assert "Stack Trace:" in result.output
    assert f"export {PASSWORD_VARIABLE}=" in _last_line(result)


def test_a_warehouse_held_past_the_wait_says_by_whom_and_which_setting_waits_longer(
    environment: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS", "1")
    path = environment.resource.warehouse
    Warehouse.open(path).close()
    hold = "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        result = _run()
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = _last_line(result)
    assert f"step warehouse_tables: {path} is held by another process (PID {holder.pid})" in last
    assert "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS" in last


@pytest.mark.parametrize("pipeline", [{"accepted_seconds": 3.0, "in_progress_seconds": 3.0}], indirect=True)
def test_wait_polls_until_sat_is_done_and_loads_the_month_instead_of_exiting_3(
    environment: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_POLL_WAIT_SECONDS", "0")  # without --wait: left to the sensor, exit 3
    result = _run("--wait", "--wait-interval", "0.5")
    assert result.exit_code == 0, result.output
    assert "--wait: polling SAT every 0.5 s" in result.output
    assert "loaded 1 month(s)" in result.output
