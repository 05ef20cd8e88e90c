"""`cfdi-etl status` over real runs on the sandbox: rows loaded, checks, a request stuck at SAT, packages
expired, a split month, the e.firma's expiry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from assets import PIPELINE
from assets._assets import sat_packages, sat_packages_ready, sat_requests
from assets._checks import CHECKS
from assets._partitions import add_rfc, partition_key
from cli.main import main
from sandbox import Fault, Operation
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from tests.assets.hourly_catalog import HourlyCatalog

MONTH = date(2026, 8, 1)
STUCK_MONTH = date(2026, 7, 1)


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dg.DagsterInstance]:
    """A persistent instance in a temporary DAGSTER_HOME, so the command reads the runs' check results."""
    home = tmp_path / "dagster"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        add_rfc(instance, RFC)
        yield instance


def _materialize(
    pipeline: Pipeline,
    instance: dg.DagsterInstance,
    month: date,
    steps: object = None,
    resource: object = None,
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        steps or [*PIPELINE, *CHECKS],  # type: ignore[arg-type]
        partition_key=str(partition_key(Partition(RFC, month))),
        instance=instance,
        resources={"sync": resource or pipeline.resource},
        raise_on_error=False,
    )


def _status(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> str:
    monkeypatch.setenv("CFDI_ETL_WAREHOUSE", pipeline.resource.warehouse)
    result = CliRunner().invoke(main, ["status", *arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _by_month(output: str) -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in output.splitlines() if line.strip()]
    return {str(r["month"]): r for r in rows}


def test_status_shows_each_month_loaded_with_its_checks_and_a_month_stuck_at_sat_with_since_when(
    pipeline: Pipeline, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _materialize(pipeline, instance, MONTH).success
    pipeline.sandbox.faults.inject(Fault.STUCK, operation=Operation.QUERY, times=1)
    impatient = type(pipeline.resource)(**{**pipeline.resource.model_dump(), "poll_wait_seconds": 1.0})
    _materialize(pipeline, instance, STUCK_MONTH, [sat_requests, sat_packages_ready, sat_packages], impatient)

    months = _by_month(_status(pipeline, monkeypatch, "--rfc", RFC, "--format", "json"))
    loaded, stuck = months["2026-08"], months["2026-07"]
    assert int(str(loaded["rows"])) > 0
    assert loaded["last_load_utc"]
    assert loaded["checks_passed"] == len(CHECKS)  # every check of the partition ran and passed
    assert loaded["checks_failed"] == ""
    assert loaded["waiting_at_sat"] == 0
    assert str(loaded["efirma"]).startswith("valid until ")
    assert stuck["waiting_at_sat"] == 1
    assert stuck["waiting_since_utc"]
    assert stuck["rows"] == 0

    table = _status(pipeline, monkeypatch)
    assert f"{RFC}  e.firma: valid until" in table
    assert "2026-07" in table
    assert "2026-08" in table


@pytest.mark.parametrize("pipeline", [{"package_expiry_seconds": 0}], indirect=True)
def test_status_counts_requests_whose_packages_expired_as_to_be_asked_again(
    pipeline: Pipeline, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not _materialize(pipeline, instance, MONTH).success
    month = _by_month(_status(pipeline, monkeypatch, "--format", "json"))["2026-08"]
    assert int(str(month["requests_to_ask_again"])) > 0
    assert month["rows"] == 0


@pytest.mark.parametrize(
    "pipeline",
    [{"catalog": HourlyCatalog(), "max_xml_documents": 200, "max_metadata_records": 200}],
    indirect=True,
)
def test_status_of_a_split_month_names_the_checks_that_failed_and_shows_nothing_waiting(
    pipeline: Pipeline, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hourly catalog's packages hold placeholders, not SAT's files: parsing rejects them, so the
    # blocking count check fails and nothing is loaded.
    assert not _materialize(pipeline, instance, MONTH).success
    month = _by_month(_status(pipeline, monkeypatch, "--format", "json"))["2026-08"]
    assert month["waiting_at_sat"] == 0
    assert month["requests_to_ask_again"] == 0
    assert set(str(month["checks_failed"]).split(", ")) == {"metadata_count_matches_sat", "rejects_counted"}
    assert month["checks_passed"] == len(CHECKS) - 2
    assert month["rows"] == 0
