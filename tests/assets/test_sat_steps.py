from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from assets._assets import sat_packages, sat_packages_ready, sat_requests
from assets._partitions import partition_key
from etl.acquire import Ledger, RequestState
from sandbox import Fault, Operation
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from tests.assets.hourly_catalog import HourlyCatalog

MONTH = date(2026, 8, 1)
SAT_STEPS = [sat_requests, sat_packages_ready, sat_packages]


def _run(pipeline: Pipeline, month: date = MONTH) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        SAT_STEPS,
        partition_key=str(partition_key(Partition(RFC, month))),
        instance=pipeline.instance,
        resources={"sync": pipeline.resource},
    )


def test_a_partition_requests_polls_and_downloads_every_package_once(pipeline: Pipeline) -> None:
    assert _run(pipeline).success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        leaves = ledger.partition_leaves(RFC, MONTH)
        assert len(leaves) == 8  # cfdi and retenciones × issued and received × metadata and XML
        assert {e.state for e in leaves} <= {RequestState.FINISHED, RequestState.EMPTY}
        assert ledger.sat_requests_sent() == 8
        packages = [p for e in leaves for p in ledger.packages(e.key)]
    assert packages
    for package in packages:
        assert package.sha256 is not None
        stored = pipeline.resource.paths.packages / f"{package.sha256}.zip"
        assert stored.read_bytes()[:2] == b"PK"


def test_a_rerun_sends_no_new_request_and_downloads_nothing_again(pipeline: Pipeline) -> None:
    assert _run(pipeline).success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        sent = ledger.sat_requests_sent()
    stored = sorted(p.name for p in pipeline.resource.paths.packages.iterdir())
    second = _run(pipeline)
    assert second.success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        assert ledger.sat_requests_sent() == sent
    assert sorted(p.name for p in pipeline.resource.paths.packages.iterdir()) == stored
    metadata = second.asset_materializations_for_node("sat_requests")[0].metadata
    assert metadata["new_sat_requests"] == dg.IntMetadataValue(0)


@pytest.mark.parametrize(
    "pipeline",
    [{"catalog": HourlyCatalog(), "max_xml_documents": 200, "max_metadata_records": 200}],
    indirect=True,
)
def test_a_period_with_too_many_documents_is_split_and_every_part_is_downloaded(pipeline: Pipeline) -> None:
    assert _run(pipeline).success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        roots = ledger.current_roots(RFC, MONTH)
        assert {r.state for r in roots} == {RequestState.SPLIT}
        for root in roots:
            leaves = ledger.leaves(root)
            assert len(leaves) == 4  # 744 hourly documents, at most 200 per request: quarters of the month
            assert leaves[0].spec.start == root.spec.start
            assert leaves[-1].spec.end == root.spec.end
            assert sum(leaf.number_cfdis or 0 for leaf in leaves) == 31 * 24
            assert all(p.sha256 for leaf in leaves for p in ledger.packages(leaf.key))


def test_http_500s_404_codes_and_an_expired_token_are_survived(pipeline: Pipeline) -> None:
    faults = pipeline.sandbox.faults
    faults.inject(Fault.HTTP_500, operation=Operation.QUERY, times=2)
    faults.inject(Fault.CODE_404, operation=Operation.VERIFY, times=3)
    faults.inject(Fault.EXPIRE_TOKEN, operation=Operation.DOWNLOAD, times=1)
    assert _run(pipeline).success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        leaves = ledger.partition_leaves(RFC, MONTH)
        assert ledger.sat_requests_sent() == 8
        assert all(p.sha256 for leaf in leaves for p in ledger.packages(leaf.key))


def test_a_request_stuck_at_sat_beyond_the_configured_time_fails_the_run_and_stays_in_the_ledger(
    pipeline: Pipeline,
) -> None:
    pipeline.sandbox.faults.inject(Fault.STUCK, operation=Operation.QUERY, times=1)
    impatient = type(pipeline.resource)(
        **{**pipeline.resource.model_dump(), "poll_wait_seconds": 1.5, "stuck_after_hours": 1 / 3600}
    )
    result = dg.materialize(
        SAT_STEPS,
        partition_key=str(partition_key(Partition(RFC, MONTH))),
        instance=pipeline.instance,
        resources={"sync": impatient},
        raise_on_error=False,
    )
    failure = result.failure_data_for_node("sat_packages_ready")
    assert failure is not None
    assert failure.error is not None
    assert "has been pending at SAT since" in failure.error.message
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        states = [e.state for e in ledger.partition_leaves(RFC, MONTH)]
    assert states.count(RequestState.SUBMITTED) == 1
