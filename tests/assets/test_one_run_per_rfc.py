"""One run per RFC at a time, whoever starts it: a second run waits for the first; SAT is asked once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from assets import PIPELINE
from assets._partitions import partition_key
from etl.acquire import Ledger, RequestState, RfcLease
from sandbox import Fault, Operation
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from tests.paths import REPO_ROOT

MONTH = date(2026, 8, 1)
_BOUND_SECONDS = 240


def _cli_run(pipeline: Pipeline, home: Path, **settings: str) -> subprocess.Popen[str]:
    """`cfdi-etl run RFC` for MONTH, in a process of its own, against the test's sandbox and warehouse."""
    resource = pipeline.resource
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env |= {
        "CFDI_ETL_HOME": str(home),
        "CFDI_ETL_WAREHOUSE": resource.warehouse,
        "CFDI_ETL_SAT_BASE_URL": resource.sat_base_url,
        "CFDI_ETL_POLL_WAIT_SECONDS": str(resource.poll_wait_seconds),
        "CFDI_ETL_POLL_INTERVAL_SECONDS": str(resource.poll_interval_seconds),
        **settings,
    }
    command = [
        str(Path(sys.executable).with_name("cfdi-etl")),
        "run",
        RFC,
        "--from",
        "2026-08",
        "--to",
        "2026-08",
    ]
    return subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _assert_asked_once(pipeline: Pipeline) -> None:
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        leaves = ledger.partition_leaves(RFC, MONTH)
        sent = ledger.sat_requests_sent()
    assert leaves
    assert {e.state for e in leaves} <= {RequestState.FINISHED, RequestState.EMPTY}
    assert sent == len(ledger_keys(pipeline))  # one SAT request per entry: no 5005, no second attempt
    assert pipeline.sandbox.calls.get(Operation.QUERY, 0) == sent


def ledger_keys(pipeline: Pipeline) -> list[str]:
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        return [e.key for e in ledger.for_partition(RFC, MONTH)]


@pytest.mark.usefixtures("pipeline")
def test_two_cli_runs_of_one_rfc_started_together_run_one_after_the_other(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    first, second = _cli_run(pipeline, tmp_path / "home"), _cli_run(pipeline, tmp_path / "home")
    outputs = [p.communicate(timeout=_BOUND_SECONDS)[0] for p in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], "\n---\n".join(outputs)
    assert sum("which is syncing" in output for output in outputs) == 1, outputs  # the second waited
    _assert_asked_once(pipeline)


def _until_held(pipeline: Pipeline, cli: subprocess.Popen[str]) -> None:
    with RfcLease(pipeline.resource.paths.ledger) as lease:
        deadline = time.monotonic() + _BOUND_SECONDS
        while lease.holder(RFC) is None:
            assert cli.poll() is None, cli.communicate()[0]
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_a_second_cli_run_that_may_not_wait_exits_naming_the_run_that_holds_the_rfc(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    # SAT answers the first run's first verify late, so it still holds the RFC when the second starts
    pipeline.sandbox.faults.inject(Fault.SLOW, operation=Operation.VERIFY, delay_seconds=20.0)
    first = _cli_run(pipeline, tmp_path / "home")
    try:
        _until_held(pipeline, first)
        second = _cli_run(pipeline, tmp_path / "home", CFDI_ETL_RFC_LEASE_WAIT_SECONDS="0")
        refused = second.communicate(timeout=_BOUND_SECONDS)[0]
        first.communicate(timeout=_BOUND_SECONDS)
    finally:
        first.kill()
    assert second.returncode == 1, refused
    last = refused.strip().splitlines()[-1]
    assert f"Error: {RFC} is being synced by run cli-" in last
    assert f"(process {first.pid} on " in last
    assert "CFDI_ETL_RFC_LEASE_WAIT_SECONDS" in last
    assert first.returncode == 0
    _assert_asked_once(pipeline)


def test_a_dagster_run_waits_for_a_cli_run_of_its_rfc(pipeline: Pipeline, tmp_path: Path) -> None:
    cli = _cli_run(pipeline, tmp_path / "home")
    try:
        _until_held(pipeline, cli)
        result = dg.materialize(
            PIPELINE,
            partition_key=str(partition_key(Partition(RFC, MONTH))),
            instance=pipeline.instance,
            resources={"sync": pipeline.resource},
            raise_on_error=False,
        )
        output = cli.communicate(timeout=_BOUND_SECONDS)[0]
    finally:
        cli.kill()
    assert cli.returncode == 0, output
    assert result.success
    logged = [e for e in pipeline.instance.all_logs(result.run_id) if "which is syncing" in e.user_message]
    assert logged, "the Dagster run did not wait for the CLI's lease"
    _assert_asked_once(pipeline)
