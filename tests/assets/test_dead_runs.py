"""A run killed hard inside the warehouse steps holds nothing: the next run fails it and finishes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from assets._dead_runs import WRITER_POOL
from assets._instance import instance_config
from tests.assets.conftest import RFC, Pipeline
from tests.paths import REPO_ROOT
from warehouse import Warehouse

MONTH = date(2026, 8, 1)
# Far above a run of one sandbox month (seconds), far below "forever".
_BOUND_SECONDS = 240


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A persistent Dagster instance with the project's settings (the writer pool of one slot)."""
    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text(json.dumps(instance_config(home)))
    return home


@pytest.fixture
def instance(home: Path) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def _one_month(pipeline: Pipeline, home: Path, *options: str) -> subprocess.CompletedProcess[str]:
    settings = home.parent / "settings.json"
    where = {"dagster_home": str(home), "rfc": RFC, "month": MONTH.isoformat()}
    settings.write_text(json.dumps({**pipeline.resource.model_dump(), **where}))
    return subprocess.run(
        [sys.executable, "-m", "tests.assets.one_month", str(settings), *options],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=_BOUND_SECONDS,
        check=False,
    )


@pytest.mark.parametrize("step", ["load", "publish"])
def test_a_run_killed_inside_the_warehouse_step_is_failed_and_the_next_run_finishes(
    pipeline: Pipeline, home: Path, instance: dg.DagsterInstance, step: str
) -> None:
    killed = _one_month(pipeline, home, "--die-in", step)
    assert killed.returncode == -9, killed.stderr
    (dead,) = instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    assert dead.dagster_run.run_id in instance.event_log_storage.get_concurrency_run_ids()

    rerun = _one_month(pipeline, home)  # hung for ever before; the timeout bounds it

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"run {dead.dagster_run.run_id}" in rerun.stdout + rerun.stderr
    status = instance.get_run_by_id(dead.dagster_run.run_id)
    assert status is not None
    assert status.status is dg.DagsterRunStatus.FAILURE
    assert not instance.event_log_storage.get_concurrency_info(WRITER_POOL).claimed_slots
    with Warehouse.open(pipeline.resource.warehouse, read_only=True) as warehouse:
        assert warehouse.query("SELECT count(*) AS n FROM comprobantes WHERE rfc = ?", [RFC])["n"][0] > 0
