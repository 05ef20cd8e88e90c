"""A run killed hard inside the warehouse steps holds nothing: the next run fails it and finishes."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

import dagster as dg
import pytest

from assets._dead_runs import HOST_TAG, PID_TAG, WRITER_POOL
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


def _command(pipeline: Pipeline, home: Path, *options: str) -> list[str]:
    settings = home.parent / "settings.json"
    where = {"dagster_home": str(home), "rfc": RFC, "month": MONTH.isoformat()}
    settings.write_text(json.dumps({**pipeline.resource.model_dump(), **where}))
    return [sys.executable, "-m", "tests.assets.one_month", str(settings), *options]


def _one_month(pipeline: Pipeline, home: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(pipeline, home, *options),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=_BOUND_SECONDS,
        check=False,
    )


def _holder(instance: dg.DagsterInstance, pid: int) -> str:
    """A run of process `pid` marked started, holding the writer slot, as a load in progress does."""
    run_id = str(uuid.uuid4())
    tags = {HOST_TAG: socket.gethostname(), PID_TAG: str(pid)}
    instance.add_run(
        dg.DagsterRun(job_name="holder", run_id=run_id, status=dg.DagsterRunStatus.STARTED, tags=tags)
    )
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(WRITER_POOL)  # as a run's first claim does
    assert storage.claim_concurrency_slot(WRITER_POOL, run_id, "warehouse_tables").is_claimed
    return run_id


class _Lines:
    """A child's merged output, line by line as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stdout: IO[str]) -> None:
        for line in stdout:
            self._lines.put(line)

    def wait_for(self, text: str, timeout: float = _BOUND_SECONDS) -> str:
        while True:
            line = self._lines.get(timeout=timeout)
            self.seen.append(line)
            if text in line:
                return line


def _start(pipeline: Pipeline, home: Path) -> tuple[subprocess.Popen[str], _Lines]:
    process = subprocess.Popen(
        _command(pipeline, home), cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return process, _Lines(process)


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


def test_a_run_waiting_for_the_writer_slot_names_its_holder_and_stops_on_sigterm(
    pipeline: Pipeline, home: Path, instance: dg.DagsterInstance
) -> None:
    holder = _holder(instance, os.getpid())  # alive: this test's own process
    process, lines = _start(pipeline, home)
    try:
        said = lines.wait_for("waiting for the warehouse writer slot")
        assert holder in said
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 130
    finally:
        process.kill()
    lines.wait_for("nothing was written: run again", timeout=5)
    (waiter,) = instance.get_run_records(filters=dg.RunsFilter(tags={PID_TAG: str(process.pid)}))
    assert waiter.dagster_run.status is dg.DagsterRunStatus.CANCELED
    claimed = instance.event_log_storage.get_concurrency_info(WRITER_POOL).claimed_slots
    assert [slot.run_id for slot in claimed] == [holder]


def test_a_run_waiting_for_the_writer_slot_goes_on_when_its_holder_dies(
    pipeline: Pipeline, home: Path, instance: dg.DagsterInstance
) -> None:
    doomed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    holder = _holder(instance, doomed.pid)
    process, lines = _start(pipeline, home)
    try:
        lines.wait_for("waiting for the warehouse writer slot")
        doomed.kill()
        doomed.wait()
        assert process.wait(timeout=_BOUND_SECONDS) == 0, "".join(lines.seen)
    finally:
        process.kill()
        doomed.kill()
    run = instance.get_run_by_id(holder)
    assert run is not None
    assert run.status is dg.DagsterRunStatus.FAILURE
