"""The `sat_status` asset of one RFC against the sandbox, and its check on metadata against live status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from assets._partitions import add_rfc
from assets._resources import SyncResource
from assets._status import daily_status_checks, metadata_and_live_status_agree, sat_status, status_settings
from sandbox import SandboxServer
from tests.etl.status._cases import RFC, FakeClock, epoch, load_metadata, status_sandbox
from warehouse import Warehouse


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with status_sandbox(tmp_path / "sandbox", FakeClock(epoch(dt.datetime(2025, 8, 1)))) as server:
        yield server


def test_the_asset_checks_the_rfcs_documents_and_its_check_names_the_disagreements(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "warehouse" / "cfdi.duckdb"
    path.parent.mkdir()
    this_month = dt.date.today().replace(day=1)
    with Warehouse.open(path) as wh:
        load_metadata(wh, dt.date(2025, 6, 1), "recibidos", dt.datetime(2025, 7, 1), tmp_path / "packages")
    # The window reaches back from today's month to the corpus's June 2025.
    months_back = (this_month.year - 2025) * 12 + this_month.month - 6 + 1
    sync = SyncResource(
        warehouse=str(path),
        sat_base_url=sandbox.base_url,
        status_months=months_back,
        status_calls_per_second=0,
    )
    assert status_settings(sync).base_url == sandbox.base_url + "/consulta"
    instance = dg.DagsterInstance.ephemeral()
    add_rfc(instance, RFC)
    result = dg.materialize(
        [sat_status, metadata_and_live_status_agree],
        partition_key=RFC,
        instance=instance,
        resources={"sync": sync},
        raise_on_error=False,
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("sat_status")
    checked = materialization.metadata["checked"].value
    assert isinstance(checked, int)
    assert checked > 0
    [evaluation] = result.get_asset_check_evaluations()
    # Documents cancelled in July are vigente in the metadata of 1 July and cancelled at SAT on 1 August.
    assert not evaluation.passed
    assert evaluation.severity is dg.AssetCheckSeverity.WARN
    assert "metadata vigente, SAT cancelado" in (evaluation.description or "")


def test_the_daily_schedule_asks_for_every_rfc_once_a_day() -> None:
    with dg.instance_for_test() as instance:
        for rfc in (RFC, "BBB020202BB1"):
            add_rfc(instance, rfc)
        with dg.build_schedule_context(instance=instance) as context:
            evaluation = daily_status_checks(context)
            assert isinstance(evaluation, Iterator)
            requests = [r for r in evaluation if isinstance(r, dg.RunRequest)]
    assert sorted(str(r.partition_key) for r in requests) == [RFC, "BBB020202BB1"]
    assert len({r.run_key for r in requests}) == 2
