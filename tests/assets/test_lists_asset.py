"""The Dagster asset for SAT's lists against the sandbox, and its freshness check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from assets._resources import SyncResource
from assets.definitions import defs
from assets.lists import sat_lists, sat_lists_fresh, stale_lists
from sandbox import SandboxServer
from warehouse import Warehouse


def _materialize(
    sandbox: SandboxServer, tmp_path: Path, max_age_days: int = 120
) -> dg.ExecuteInProcessResult:
    resource = SyncResource(
        warehouse=str(tmp_path / "warehouse" / "cfdi.duckdb"),
        lists_base_url=sandbox.lists_url,
        lists_max_age_days=max_age_days,
    )
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [sat_lists, sat_lists_fresh],
            instance=instance,
            resources={"sync": resource},
            raise_on_error=False,
        )


def test_the_lists_asset_loads_the_sandbox_lists_and_its_freshness_check_passes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    result = _materialize(sandbox, tmp_path)
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.passed, check.description
    with Warehouse.open(tmp_path / "warehouse" / "cfdi.published.duckdb", read_only=True) as wh:
        assert wh.query("SELECT count(*) FROM listas_versiones").item() == 8


def test_the_freshness_check_fails_loudly_when_the_69b_lists_own_date_is_too_old(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.lists.first = date(2020, 1, 1)  # the sandbox now publishes a list dated 1 January 2020
    result = _materialize(sandbox, tmp_path, max_age_days=30)
    [check] = result.get_asset_check_evaluations()
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "69-B Definitivo: list of 2020-01-01 is" in (check.description or "")


def test_stale_lists_judges_only_the_69b_lists_own_dates() -> None:
    dates = [("69-B", "Presunto", date(2026, 1, 1)), ("69", "Firmes", date(2020, 1, 1))]
    assert stale_lists(dates, date(2026, 3, 1), 120) == []
    assert stale_lists(dates, date(2026, 6, 1), 120) == [
        "69-B Presunto: list of 2026-01-01 is 151 days old (limit 120)"
    ]


def test_the_lists_have_their_own_daily_schedule_and_stay_out_of_the_partitioned_job() -> None:
    assert defs.resolve_schedule_def("sat_lists_daily").job_name == "sat_lists_job"
    partitioned = defs.resolve_job_def("cfdi_partition").asset_layer.executable_asset_keys
    assert dg.AssetKey("sat_lists") not in partitioned
