from __future__ import annotations

from datetime import date, datetime

import dagster as dg

from assets import PIPELINE
from assets._assets import REFRESH_METADATA_TAG
from assets._partitions import partition_key
from etl.acquire import Ledger
from etl.sat import RequestType
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from warehouse import Warehouse

MONTH = date(2026, 8, 1)


def _run(pipeline: Pipeline, tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        PIPELINE,
        partition_key=str(partition_key(Partition(RFC, MONTH))),
        instance=pipeline.instance,
        resources={"sync": pipeline.resource},
        tags=tags,
    )


def _metadata_rows(pipeline: Pipeline) -> int:
    with Warehouse.open(pipeline.resource.warehouse, read_only=True) as warehouse:
        return int(warehouse.checksums()["metadata"].split(":")[0])


def test_a_scheduled_rerun_of_a_closed_month_rereads_only_its_metadata_and_keeps_the_month_exact(
    pipeline: Pipeline,
) -> None:
    assert _run(pipeline).success
    rows, sent = _metadata_rows(pipeline), pipeline.sat_requests_sent()

    assert _run(pipeline, {REFRESH_METADATA_TAG: "1"}).success
    assert pipeline.sat_requests_sent() == sent + 4  # metadata of cfdi and retenciones, issued and received
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        current = ledger.current_roots(RFC, MONTH)
    reread = [e for e in current if e.spec.request_type is RequestType.METADATA]
    assert len(reread) == 4
    assert all(datetime(2026, 9, 1) <= e.spec.end < datetime(2026, 9, 2) for e in reread)
    # The seconds of September the re-read reaches into are not loaded into August.
    assert _metadata_rows(pipeline) == rows

    assert _run(pipeline, {REFRESH_METADATA_TAG: "1"}).success  # the same day again: nothing new
    assert pipeline.sat_requests_sent() == sent + 4
