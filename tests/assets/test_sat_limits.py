from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from assets import PIPELINE
from assets._partitions import partition_key
from etl.acquire import Ledger, RequestState
from sandbox import Operation
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline

MONTH = date(2026, 8, 1)


def _run(pipeline: Pipeline) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        PIPELINE,
        partition_key=str(partition_key(Partition(RFC, MONTH))),
        instance=pipeline.instance,
        resources={"sync": pipeline.resource},
        raise_on_error=False,
    )


@pytest.mark.parametrize(
    "pipeline", [{"package_expiry_seconds": 0, "lifetime_request_limit": 1}], indirect=True
)
def test_an_expired_request_is_asked_again_and_the_lifetime_maximum_is_never_exceeded(
    pipeline: Pipeline,
) -> None:
    first = _run(pipeline)
    assert not first.success  # SAT let the finished request expire (Vencida) before it was downloaded
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        assert {e.state for e in ledger.partition_leaves(RFC, MONTH)} == {RequestState.FAILED}

    second = _run(pipeline)  # asks again; this sandbox allows one request per parameters: 5002
    assert not second.success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        leaves = ledger.for_partition(RFC, MONTH)
        assert {(e.state, e.lifetime_requests, e.last_code) for e in leaves} == {
            (RequestState.EXHAUSTED, 2, 5002)
        }
    queries = pipeline.sandbox.calls.get(Operation.QUERY, 0)

    third = _run(pipeline)  # refused here, before SAT is asked: no third request with the same parameters
    assert not third.success
    assert pipeline.sandbox.calls.get(Operation.QUERY, 0) == queries
    failure = third.failure_data_for_node("sat_requests")
    assert failure is not None
    assert failure.error is not None
    assert "Not asking again without your say" in failure.error.message
