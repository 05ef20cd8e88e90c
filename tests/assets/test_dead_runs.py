"""A run killed hard inside any step holds nothing: plain reruns fail it and load the month as a clean run
would; a writer waiting for a live one sleeps, says so and goes on."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import dagster as dg
import pytest

from assets._instance import instance_config
from assets._resources import SyncResource
from assets.runner import PartitionRunError, run_partitions
from etl.registry import FielLocation, RfcRegistry
from sandbox import Operation, SandboxConfig, SandboxServer, generate_test_fiel
from tests.assets.conftest import PASSWORD_VARIABLE, RFC, Pipeline
from tests.assets.content import warehouse_content
from tests.assets.one_month import DIE_IN
from tests.paths import REPO_ROOT
from tests.sandbox_plugin import SANDBOX_RFCS
from warehouse import Warehouse

MONTH = date(2026, 8, 1)
# Far above a run of one sandbox month (seconds), far below "forever".
_BOUND_SECONDS = 240


@dataclass(frozen=True)
class CleanMonth:
    """The month loaded by a run nothing went wrong in, from a sandbox of the same corpus."""

    content: dict[str, tuple[int, int]]
    requests: int  # SolicitaDescarga calls the sandbox received
    downloads: int


@pytest.fixture(scope="session")
def clean_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CleanMonth]:
    """Computed once per session: every kill case compares with it."""
    root = tmp_path_factory.mktemp("clean-month")
    # The same corpus and lifecycle as tests/sandbox_plugin.py's sandboxes.
    config = SandboxConfig(
        data_dir=root / "sandbox",
        ca_dir=root / "test-ca",
        seed=7,
        rfcs=SANDBOX_RFCS,
        accepted_seconds=0.2,
        in_progress_seconds=0.2,
        documents_per_month=30,
    )
    password = "clean-month-password"
    fiel = generate_test_fiel(RFC, root / "fiel", password, ca_dir=root / "test-ca")
    with SandboxServer(config) as sandbox, pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_VARIABLE, password)
        resource = SyncResource(
            warehouse=str(root / "warehouse" / "cfdi.duckdb"),
            sat_base_url=sandbox.base_url,
            poll_wait_seconds=20,
            poll_interval_seconds=0.2,
        )
        with RfcRegistry(resource.paths.ledger) as registry:
            registry.add(FielLocation(RFC, fiel.certificate, fiel.private_key, PASSWORD_VARIABLE))
        with dg.DagsterInstance.ephemeral() as instance:
            run_partitions(instance, resource, RFC, [MONTH], say=lambda _: None)
        calls = sandbox.calls
        yield CleanMonth(
            warehouse_content(resource.warehouse), calls[Operation.QUERY], calls[Operation.DOWNLOAD]
        )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A persistent Dagster instance with the project's settings."""
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


def _steps_begun_and_done(instance: dg.DagsterInstance, run_id: str) -> tuple[list[str], set[str]]:
    """The steps of a run in the order they began, and those that succeeded."""
    events = [r.event_log_entry.dagster_event for r in instance.get_records_for_run(run_id).records]
    steps = [(e.event_type, e.step_key) for e in events if e is not None and e.step_key]
    begun = [step for kind, step in steps if kind is dg.DagsterEventType.STEP_START]
    return begun, {step for kind, step in steps if kind is dg.DagsterEventType.STEP_SUCCESS}


# A request killed after SAT accepted it is lost: the rerun asks it once more (SAT answers 5005, so the
# ledger knows SAT has it) and then its successor, one second longer. No other step asks SAT anew.
_REQUESTS_THE_KILL_COSTS = {"request": 2}
# A package SAT served to a killed download is served once more (SAT's second and last download of it).
_DOWNLOADS_THE_KILL_COSTS = {"download": 1}


@pytest.mark.parametrize("step", list(DIE_IN))
def test_a_run_killed_inside_any_step_is_failed_and_plain_reruns_load_the_month_as_a_clean_run_would(
    pipeline: Pipeline, home: Path, instance: dg.DagsterInstance, clean_month: CleanMonth, step: str
) -> None:
    killed = _one_month(pipeline, home, "--die-in", step)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    (dead,) = instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    begun, done = _steps_begun_and_done(instance, dead.dagster_run.run_id)
    assert begun[-1] == DIE_IN[step], begun  # it died while that step ran
    assert DIE_IN[step] not in done

    said: list[str] = []
    resource = SyncResource(**pipeline.resource.model_dump())
    for rerun in (1, 2):  # plain reruns, at most two, as `cfdi-etl run` makes them
        try:
            run_partitions(instance, resource, RFC, [MONTH], say=said.append)
            break
        except PartitionRunError:
            assert rerun == 1, said
    status = instance.get_run_by_id(dead.dagster_run.run_id)
    assert status is not None
    assert status.status is dg.DagsterRunStatus.FAILURE
    assert any(dead.dagster_run.run_id in line for line in said), said
    assert warehouse_content(pipeline.resource.warehouse) == clean_month.content
    calls = pipeline.sandbox.calls
    assert calls[Operation.QUERY] == clean_month.requests + _REQUESTS_THE_KILL_COSTS.get(step, 0)
    assert calls[Operation.DOWNLOAD] <= clean_month.downloads + _DOWNLOADS_THE_KILL_COSTS.get(step, 0)


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


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_WAITED_SECONDS = 3.0


def test_a_writer_meeting_a_live_runs_warehouse_lock_sleeps_says_so_and_loads_once_it_is_free(
    pipeline: Pipeline, home: Path
) -> None:
    holder = Warehouse.open(pipeline.resource.warehouse)  # a live writer: this test's own process
    process, lines = _start(pipeline, home)
    try:
        said = lines.wait_for("writing to it: waiting up to")
        assert f"PID {os.getpid()}" in said
        cpu, wall = _cpu_seconds(process.pid), time.monotonic()
        time.sleep(_WAITED_SECONDS)
        cpu, wall = _cpu_seconds(process.pid) - cpu, time.monotonic() - wall
        assert process.poll() is None, "".join(lines.seen)
        holder.close()
        assert process.wait(timeout=_BOUND_SECONDS) == 0, "".join(lines.seen)
    finally:
        holder.close()
        process.kill()
    # Asleep between looks at the lock, not spinning (a step waiting for a Dagster pool slot used ~100 %).
    assert cpu < 0.2 * wall, f"the waiting run used {cpu:.2f} s of CPU in {wall:.2f} s"
    with Warehouse.open(pipeline.resource.warehouse, read_only=True) as warehouse:
        assert warehouse.query("SELECT count(*) AS n FROM comprobantes WHERE rfc = ?", [RFC])["n"][0] > 0


def test_a_writer_waiting_for_the_warehouse_lock_stops_at_once_on_sigterm_holding_nothing(
    pipeline: Pipeline, home: Path, instance: dg.DagsterInstance
) -> None:
    holder = Warehouse.open(pipeline.resource.warehouse)
    process, lines = _start(pipeline, home)
    try:
        lines.wait_for("writing to it: waiting up to")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) != 0, "".join(lines.seen)  # it stopped, not loaded
    finally:
        holder.close()
        process.kill()
    # Nothing of it outlives it: the next run loads the month.
    run_partitions(instance, SyncResource(**pipeline.resource.model_dump()), RFC, [MONTH], say=lambda _: None)
    with Warehouse.open(pipeline.resource.warehouse, read_only=True) as warehouse:
        assert warehouse.query("SELECT count(*) AS n FROM comprobantes WHERE rfc = ?", [RFC])["n"][0] > 0


__all__: list[str] = []
