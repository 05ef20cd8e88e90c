from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from assets import PIPELINE
from assets._assets import sat_packages_ready
from assets._automation import after_sat_job, sat_pending_requests
from assets._partitions import partition_key
from assets._resources import SyncResource
from assets.runner import run_partitions, waits_for_sat
from cli.main import main
from cli.run import EXIT_WAITING_FOR_SAT
from etl.acquire import Ledger, RequestState
from etl.registry import FielLocation, RfcRegistry
from sandbox import Fault, Operation, SandboxServer
from schemas import Partition
from tests.assets.conftest import PASSWORD_VARIABLE, RFC, Pipeline
from tests.sandbox_plugin import SandboxFiel
from warehouse import Warehouse

MONTH = date(2026, 8, 1)

_CHILD = """
import sys
from datetime import date
import dagster as dg
from assets._resources import SyncResource
from assets.runner import run_partitions
resource = SyncResource(warehouse=sys.argv[1], sat_base_url=sys.argv[2], poll_wait_seconds=20,
                        poll_interval_seconds=0.2)
with dg.DagsterInstance.ephemeral() as instance:
    run_partitions(instance, resource, sys.argv[3], [date(2026, 8, 1)])
"""


def _stored(ledger_path: Path) -> tuple[int, int]:
    with Ledger(ledger_path) as ledger:
        packages = [p for e in ledger.partition_leaves(RFC, MONTH) for p in ledger.packages(e.key)]
    return sum(1 for p in packages if p.sha256), len(packages)


def _row_counts(warehouse: str) -> dict[str, int]:
    with Warehouse.open(warehouse, read_only=True) as opened:
        return {table: int(value.split(":")[0]) for table, value in opened.checksums().items()}


def _run_requests(context: dg.SensorEvaluationContext) -> list[dg.RunRequest]:
    evaluation = sat_pending_requests(context)
    assert isinstance(evaluation, Iterator)
    return [r for r in evaluation if isinstance(r, dg.RunRequest)]


def test_a_run_killed_while_downloading_resumes_without_new_requests_or_lost_or_doubled_rows(
    pipeline: Pipeline,
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_fiel: SandboxFiel,
    tmp_path: Path,
) -> None:
    pipeline.sandbox.faults.inject(Fault.SLOW, operation=Operation.DOWNLOAD, times=None, delay_seconds=1.0)
    resource = pipeline.resource
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, resource.warehouse, resource.sat_base_url, RFC],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if resource.paths.ledger.exists() and _stored(resource.paths.ledger)[0] >= 1:
            break
        time.sleep(0.2)
    assert child.poll() is None, "the run ended before it could be killed mid-download"
    child.send_signal(signal.SIGKILL)
    child.wait()
    stored, total = _stored(resource.paths.ledger)
    assert 1 <= stored < total
    sent = pipeline.sat_requests_sent()

    pipeline.sandbox.faults.clear()
    run_partitions(pipeline.instance, resource, RFC, [MONTH])
    assert pipeline.sat_requests_sent() == sent
    assert _stored(resource.paths.ledger) == (total, total)

    # The same month loaded by an uninterrupted run from another sandbox (same corpus) has the same rows
    # in every table (package ids and zip bytes differ between sandboxes, so compare counts).
    clean_sandbox = sandbox_factory()
    clean_warehouse = tmp_path / "clean" / "cfdi.duckdb"
    clean = type(resource)(
        warehouse=str(clean_warehouse), sat_base_url=clean_sandbox.base_url, poll_interval_seconds=0.2
    )
    with RfcRegistry(clean.paths.ledger) as registry:
        registry.add(FielLocation(RFC, sandbox_fiel.certificate, sandbox_fiel.private_key, PASSWORD_VARIABLE))
    run_partitions(pipeline.instance, clean, RFC, [MONTH])
    assert _row_counts(resource.warehouse) == _row_counts(clean.warehouse)


def _not_waiting(pipeline: Pipeline) -> SyncResource:
    """The pipeline's resource with runs that leave SAT's unfinished requests to the sensor at once."""
    return SyncResource(
        warehouse=pipeline.resource.warehouse,
        sat_base_url=pipeline.resource.sat_base_url,
        poll_wait_seconds=0,
    )


@pytest.mark.parametrize("pipeline", [{"accepted_seconds": 2.0, "in_progress_seconds": 2.0}], indirect=True)
def test_when_sat_is_slow_the_run_stops_at_polling_and_the_sensor_starts_the_rest(pipeline: Pipeline) -> None:
    quick = _not_waiting(pipeline)
    key = str(partition_key(Partition(RFC, MONTH)))
    first = dg.materialize(PIPELINE, partition_key=key, instance=pipeline.instance, resources={"sync": quick})
    assert first.success
    assert not first.asset_materializations_for_node("sat_packages_ready")
    assert not first.asset_materializations_for_node("warehouse_tables")
    with Ledger(quick.paths.ledger) as ledger:
        assert {e.state for e in ledger.partition_leaves(RFC, MONTH)} == {RequestState.SUBMITTED}

    with dg.build_sensor_context(instance=pipeline.instance, resources={"sync": quick}) as context:
        assert not _run_requests(context), "SAT is still working: no run yet"
    time.sleep(4.5)
    with dg.build_sensor_context(instance=pipeline.instance, resources={"sync": quick}) as context:
        requests = _run_requests(context)
    assert [r.partition_key for r in requests] == [key]

    job = dg.Definitions(assets=PIPELINE, jobs=[after_sat_job], resources={"sync": quick}).resolve_job_def(
        after_sat_job.name
    )
    second = job.execute_in_process(instance=pipeline.instance, partition_key=key)
    assert second.success
    assert second.asset_materializations_for_node(sat_packages_ready.op.name)
    assert second.asset_materializations_for_node("warehouse_tables")


@pytest.mark.parametrize("pipeline", [{"accepted_seconds": 30.0, "in_progress_seconds": 30.0}], indirect=True)
def test_a_one_shot_run_says_a_month_waits_for_sat_when_sat_has_not_finished(pipeline: Pipeline) -> None:
    quick = _not_waiting(pipeline)
    outcomes: list[tuple[date, bool]] = []
    run_partitions(
        pipeline.instance, quick, RFC, [MONTH], lambda m, r: outcomes.append((m, waits_for_sat(r)))
    )
    assert outcomes == [(MONTH, True)]


def test_a_one_shot_run_says_nothing_waits_once_sat_has_finished(pipeline: Pipeline) -> None:
    outcomes: list[bool] = []
    run_partitions(
        pipeline.instance, pipeline.resource, RFC, [MONTH], lambda _, r: outcomes.append(waits_for_sat(r))
    )
    assert outcomes == [False]


@pytest.mark.parametrize("pipeline", [{"accepted_seconds": 30.0, "in_progress_seconds": 30.0}], indirect=True)
def test_cfdi_etl_run_exits_with_its_own_code_and_names_the_months_when_sat_has_not_finished(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dagster").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("CFDI_ETL_WAREHOUSE", pipeline.resource.warehouse)
    monkeypatch.setenv("CFDI_ETL_SAT_BASE_URL", pipeline.resource.sat_base_url)
    monkeypatch.setenv("CFDI_ETL_POLL_WAIT_SECONDS", "0")
    result = CliRunner().invoke(main, ["run", RFC, "--from", f"{MONTH:%Y-%m}", "--to", f"{MONTH:%Y-%m}"])
    assert result.exit_code == EXIT_WAITING_FOR_SAT, result.output
    assert f"SAT has not finished the requests of 1 month(s) ({MONTH:%Y-%m})" in result.output
    assert "loaded 0 month(s)" in result.output
