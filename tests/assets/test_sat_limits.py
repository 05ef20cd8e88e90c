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
def test_an_expired_request_is_asked_anew_by_successors_up_to_their_limit_never_with_the_same_parameters(
    pipeline: Pipeline,
) -> None:
    first = _run(pipeline)
    assert not first.success  # SAT let the finished request expire (Vencida) before it was downloaded
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        roots = [e for e in ledger.for_partition(RFC, MONTH) if e.replaces is None]
        assert {e.state for e in roots} == {RequestState.GONE}
        assert {e.state for e in ledger.partition_leaves(RFC, MONTH)} == {RequestState.PLANNED}

    for _ in range(3):  # each run asks the successors, which expire too: 5002 never (no parameters twice)
        assert not _run(pipeline).success
    with Ledger(pipeline.resource.paths.ledger) as ledger:
        entries = ledger.for_partition(RFC, MONTH)
        assert {(e.state, e.lifetime_requests) for e in entries} == {(RequestState.GONE, 1)}
        assert {len(ledger.predecessors(e)) for e in entries} == {0, 1, 2, 3}
    queries = pipeline.sandbox.calls.get(Operation.QUERY, 0)

    last = _run(pipeline)  # refused here, before SAT is asked: a person decides after three in a row
    assert not last.success
    assert pipeline.sandbox.calls.get(Operation.QUERY, 0) == queries
    failure = last.failure_data_for_node("sat_requests")
    assert failure is not None
    assert failure.error is not None
    assert "asked anew 3 times in a row" in failure.error.message
