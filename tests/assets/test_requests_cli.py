"""`cfdi-etl requests` against the ledger of real runs on the sandbox: a split, an expired package, a stuck
request."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import pytest
from click.testing import CliRunner

from assets._assets import sat_packages, sat_packages_ready, sat_requests
from assets._partitions import partition_key
from cli.main import main
from sandbox import Fault, Operation
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from tests.assets.hourly_catalog import HourlyCatalog

MONTH = date(2026, 8, 1)
SAT_STEPS = [sat_requests, sat_packages_ready, sat_packages]


def _run(pipeline: Pipeline, resource: object = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        SAT_STEPS,
        partition_key=str(partition_key(Partition(RFC, MONTH))),
        instance=pipeline.instance,
        resources={"sync": resource or pipeline.resource},
        raise_on_error=False,
    )


def _cli(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> str:
    monkeypatch.setenv("CFDI_ETL_WAREHOUSE", pipeline.resource.warehouse)
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _rows(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "pipeline",
    [{"catalog": HourlyCatalog(), "max_xml_documents": 200, "max_metadata_records": 200}],
    indirect=True,
)
def test_a_split_request_lists_its_parts_and_each_part_the_request_it_came_from(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(pipeline).success
    rows = _rows(_cli(pipeline, monkeypatch, "requests", "--rfc", RFC, "--format", "json"))
    split = [r for r in rows if r["state"] == "split"]
    assert split
    by_number = {r["n"]: r for r in rows}
    for parent in split:
        assert parent["sat_code"] == 5003
        parts = [int(p) for p in str(parent["split_into"]).split(", ")]
        assert all(by_number[p]["split_from"] == parent["n"] for p in parts)
    leaf = next(r for r in rows if r["split_from"] is not None and r["state"] == "finished")
    assert str(leaf["packages"]).startswith("1 downloaded / 0 pending")
    assert leaf["attempts"] == "1/2"

    shown = _cli(pipeline, monkeypatch, "requests", "show", str(split[0]["n"]))
    assert "split_into" in shown
    assert "planned (attempts so far: 1)" in shown
    assert "SAT answered 5003" in shown
    assert shown.rstrip().endswith("split")
    by_id = _cli(pipeline, monkeypatch, "requests", "show", str(leaf["id_solicitud"]))
    assert f"package {leaf['id_solicitud']}_01 downloaded" in by_id
    # every answer, in order: accepted with its IdSolicitud, then each verify until SAT finished
    answers = [line for line in by_id.splitlines() if "SAT answered" in line]
    assert f"(IdSolicitud {leaf['id_solicitud']})" in answers[0]
    assert len(answers) >= 2
    assert ": finished" in answers[-1]

    xml_only = _rows(_cli(pipeline, monkeypatch, "requests", "--kind", "xml", "--format", "json"))
    assert xml_only
    assert all(str(r["asks"]).endswith(" XML") for r in xml_only)
    table = _cli(pipeline, monkeypatch, "requests", "--state", "split")
    assert "5003" in table


@pytest.mark.parametrize("pipeline", [{"package_expiry_seconds": 0}], indirect=True)
def test_requests_whose_packages_expired_say_so(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not _run(pipeline).success
    # SAT will not serve them: gone, each to be replaced by a successor on the next run
    rows = _rows(_cli(pipeline, monkeypatch, "requests", "--state", "gone", "--format", "json"))
    assert rows
    assert {r["sat_code"] for r in rows} == {5007}
    assert all(str(r["packages"]).endswith("/ expired") for r in rows)
    csv = _cli(pipeline, monkeypatch, "requests", "--format", "csv", "--from", "2026-08", "--to", "2026-08")
    assert csv.splitlines()[0].startswith("n,rfc,month,asks,period,id_solicitud,state")
    assert _cli(pipeline, monkeypatch, "requests", "--from", "2026-09").strip() == "no request matches"


def test_a_request_stuck_at_sat_is_listed_as_submitted_with_its_age(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.sandbox.faults.inject(Fault.STUCK, operation=Operation.QUERY, times=1)
    impatient = type(pipeline.resource)(**{**pipeline.resource.model_dump(), "poll_wait_seconds": 1.0})
    _run(pipeline, impatient)
    (stuck,) = _rows(_cli(pipeline, monkeypatch, "requests", "--state", "submitted", "--format", "json"))
    assert stuck["id_solicitud"]
    assert isinstance(stuck["age_hours"], float)
    assert stuck["sat_code"] == 5000
    assert str(stuck["packages"]) == "0 downloaded / 0 pending"


def test_requests_show_names_a_request_that_is_not_there(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(pipeline).success
    monkeypatch.setenv("CFDI_ETL_WAREHOUSE", pipeline.resource.warehouse)
    result = CliRunner().invoke(main, ["requests", "show", "999"])
    assert result.exit_code == 1
    assert "no request '999' in the ledger" in result.output
