from __future__ import annotations

from datetime import date

import dagster as dg

from assets import PIPELINE
from assets._checks import CHECKS
from assets._partitions import partition_key
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from warehouse import Warehouse

MONTH = date(2026, 8, 1)


def _run(pipeline: Pipeline, month: date = MONTH) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        PIPELINE,
        partition_key=str(partition_key(Partition(RFC, month))),
        instance=pipeline.instance,
        resources={"sync": pipeline.resource},
    )


def _checksums(pipeline: Pipeline) -> dict[str, str]:
    with Warehouse.open(pipeline.resource.warehouse, read_only=True) as warehouse:
        return warehouse.checksums()


def test_a_partition_lands_in_the_warehouse_from_sat_to_the_published_copy(pipeline: Pipeline) -> None:
    result = _run(pipeline)
    assert result.success
    rows = {name: int(value.split(":")[0]) for name, value in _checksums(pipeline).items()}
    assert rows["comprobantes"] > 0
    assert rows["metadata"] > 0
    loaded = result.asset_materializations_for_node("warehouse_tables")[0].metadata
    assert loaded["rows_comprobantes"] == dg.IntMetadataValue(rows["comprobantes"])
    with Warehouse.open(pipeline.resource.warehouse, read_only=True) as warehouse:
        assert warehouse.published_path.is_file()


def test_a_rerun_sends_nothing_to_sat_and_leaves_every_table_identical(pipeline: Pipeline) -> None:
    assert _run(pipeline).success
    before, sent = _checksums(pipeline), pipeline.sat_requests_sent()
    assert _run(pipeline).success
    assert pipeline.sat_requests_sent() == sent
    assert _checksums(pipeline) == before


def test_the_checks_pass_on_a_clean_partition_and_say_what_they_counted(pipeline: Pipeline) -> None:
    result = dg.materialize(
        [*PIPELINE, *CHECKS],
        partition_key=str(partition_key(Partition(RFC, MONTH))),
        instance=pipeline.instance,
        resources={"sync": pipeline.resource},
    )
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {
        c.check_specs_by_output_name[n].name for c in CHECKS for n in c.check_specs_by_output_name
    }
    for name in (
        "metadata_count_matches_sat",
        "vigente_metadata_has_its_xml",
        "no_duplicate_uuid",
        "totals_reconcile",
    ):
        assert evaluations[name].passed, evaluations[name].description
    assert evaluations["vigente_metadata_has_its_xml"].metadata["missing"] == dg.IntMetadataValue(0)
