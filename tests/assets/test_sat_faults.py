"""SAT's once-only state under faults injected at runtime: after at most two plain reruns the month is loaded,
SAT was asked no more than the faults made necessary, and the tables hold what a fault-free run loads."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from assets._partitions import add_rfc
from assets._resources import SyncResource
from assets.runner import PartitionRunError, run_partitions, waits_for_sat
from etl.acquire import Ledger, RequestState
from etl.registry import FielLocation, RfcRegistry
from sandbox import Fault, Operation, SandboxConfig, SandboxServer, generate_test_fiel
from tests.assets.conftest import PASSWORD_VARIABLE, RFC, Pipeline
from tests.assets.content import warehouse_content
from tests.sandbox_plugin import SANDBOX_RFCS

MONTH = date(2026, 8, 1)
# One month asks SAT 8 requests: CFDI and Retenciones × issued and received × metadata and XML.
REQUESTS_WITHOUT_FAULTS = 8


@pytest.fixture(scope="module")
def fault_free(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int]]:
    """The month's tables as a run without faults loads them, from a sandbox serving the same corpus."""
    root = tmp_path_factory.mktemp("fault-free")
    password = "fault-free-run"  # a throwaway key from the sandbox's own test CA
    paths = generate_test_fiel(RFC, root / "fiel", password, ca_dir=root / "ca")
    config = SandboxConfig(
        data_dir=root / "sandbox", ca_dir=root / "ca", seed=7, rfcs=SANDBOX_RFCS,
        accepted_seconds=0.2, in_progress_seconds=0.2, documents_per_month=30,
    )  # fmt: skip
    resource = SyncResource(
        warehouse=str(root / "warehouse" / "cfdi.duckdb"), sat_base_url="", poll_interval_seconds=0.2
    )
    with pytest.MonkeyPatch.context() as patch, SandboxServer(config) as sandbox:
        patch.setenv(PASSWORD_VARIABLE, password)
        resource = SyncResource(**{**resource.model_dump(), "sat_base_url": sandbox.base_url})
        with RfcRegistry(resource.paths.ledger) as registry:
            registry.add(FielLocation(RFC, paths.certificate, paths.private_key, PASSWORD_VARIABLE))
        with dg.DagsterInstance.ephemeral() as instance:
            add_rfc(instance, RFC)
            run_partitions(instance, resource, RFC, [MONTH])
        assert _accepted_requests(sandbox) == REQUESTS_WITHOUT_FAULTS
    return warehouse_content(resource.warehouse)


def _accepted_requests(sandbox: SandboxServer) -> int:
    """Requests the sandbox registered (what SAT counts against its limits), however their answers went."""
    with sqlite3.connect(Path(sandbox.config.data_dir) / "state.sqlite3") as state:
        (count,) = state.execute("SELECT count(*) FROM requests").fetchone()
    return int(count)


def _run_until_loaded(pipeline: Pipeline, *, first: SyncResource | None = None) -> int:
    """Plain runs of the month (no flags), as `cfdi-etl run` does: how many it took to load it (at most 3)."""
    waiting: list[bool] = []

    def done(_: date, result: dg.ExecuteInProcessResult) -> None:
        waiting.append(waits_for_sat(result))

    for number in range(1, 4):
        resource = first if number == 1 and first is not None else pipeline.resource
        waiting.clear()
        try:
            run_partitions(pipeline.instance, resource, RFC, [MONTH], done)
        except PartitionRunError:
            continue
        if waiting == [False]:
            return number
    raise AssertionError("the month was not loaded after two reruns")


@pytest.mark.parametrize("fault", [Fault.TRUNCATE, Fault.LOSE_ANSWER], ids=str)
def test_a_lost_answer_to_a_request_is_recovered_by_a_successor_in_the_same_run(
    pipeline: Pipeline, fault_free: dict[str, tuple[int, int]], fault: Fault
) -> None:
    pipeline.sandbox.faults.inject(fault, operation=Operation.QUERY)

    assert _run_until_loaded(pipeline) == 1

    assert pipeline.sandbox.faults.fired == [(Operation.QUERY, fault)]
    # The lost request SAT registered, and the one asking its documents anew.
    assert _accepted_requests(pipeline.sandbox) == REQUESTS_WITHOUT_FAULTS + 1
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        [lost] = ledger.in_state(RequestState.GONE)
        successor = ledger.successor(lost.key)
    assert (lost.last_code, lost.id_solicitud) == (5005, None)
    assert successor is not None
    assert successor.state is RequestState.FINISHED
    assert warehouse_content(pipeline.resource.warehouse) == fault_free


def test_two_truncated_downloads_of_one_package_are_recovered_by_the_next_run_without_a_third(
    pipeline: Pipeline, fault_free: dict[str, tuple[int, int]]
) -> None:
    pipeline.sandbox.faults.inject(Fault.TRUNCATE, operation=Operation.DOWNLOAD, times=2)

    assert _run_until_loaded(pipeline) == 2

    assert pipeline.sandbox.faults.fired == [(Operation.DOWNLOAD, Fault.TRUNCATE)] * 2
    assert _accepted_requests(pipeline.sandbox) == REQUESTS_WITHOUT_FAULTS + 1
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        [gone] = ledger.in_state(RequestState.GONE)
        assert ledger.packages(gone.key) == []  # forgotten: the successor's packages stand for them
    assert gone.last_code is None  # SAT never had to say 5008: no third download was asked
    assert "did not arrive whole" in (gone.last_message or "")
    with sqlite3.connect(Path(pipeline.sandbox.config.data_dir) / "state.sqlite3") as state:
        assert state.execute("SELECT max(downloads) FROM packages").fetchone() == (2,)
    assert warehouse_content(pipeline.resource.warehouse) == fault_free


def test_a_request_left_in_state_one_is_finished_by_the_next_run_without_asking_sat_again(
    pipeline: Pipeline, fault_free: dict[str, tuple[int, int]]
) -> None:
    pipeline.sandbox.faults.inject(Fault.LATE, operation=Operation.QUERY, delay_seconds=2.0)
    # The first run waits for SAT no longer than the sensor's runs do; SAT takes longer than that.
    impatient = SyncResource(**{**pipeline.resource.model_dump(), "poll_wait_seconds": 0})

    assert _run_until_loaded(pipeline, first=impatient) == 2

    assert _accepted_requests(pipeline.sandbox) == REQUESTS_WITHOUT_FAULTS
    assert warehouse_content(pipeline.resource.warehouse) == fault_free
