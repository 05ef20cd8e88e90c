"""One-shot runs outside the Dagster daemon (the CLI and the demo): partitions materialized in-process,
recorded in the same Dagster instance, so the UI shows them like any other run."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date

import dagster as dg

from assets._assets import PIPELINE
from assets._checks import CHECKS
from assets._dead_runs import fail_dead_runs, run_tags, watch_run_waits
from assets._partitions import add_rfc, partition_key
from assets._resources import SyncResource
from assets._rfc_lease import one_run_per_rfc

__all__ = ["PartitionRunError", "months_between", "run_partitions", "waits_for_sat"]


class PartitionRunError(RuntimeError):
    """A partition's run failed; earlier partitions stay loaded and a rerun resumes from the ledger."""


def months_between(first: date, last: date) -> list[date]:
    months: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def waits_for_sat(result: dg.ExecuteInProcessResult) -> bool:
    """True when the run stopped at polling: SAT had not finished, so nothing was loaded yet."""
    return result.success and not result.asset_materializations_for_node("sat_packages_ready")


def run_partitions(
    instance: dg.DagsterInstance,
    resource: SyncResource,
    rfc: str,
    months: Iterable[date],
    on_done: Callable[[date, dg.ExecuteInProcessResult], None] = lambda *_: None,
    *,
    say: Callable[[str], None] = print,
) -> None:
    """Materialize every step and check of each month for `rfc`, oldest first, one month at a time.

    One at a time keeps to SAT's limits per RFC; a month SAT has not finished yet is left to the sensor.
    Each month holds the RFC's lease (another run of the RFC, whoever started it, is waited for); runs
    whose process died are failed first so they hold nothing.
    """
    rfc = add_rfc(instance, rfc)
    fail_dead_runs(instance, say)
    owner = f"cli-{uuid.uuid4().hex[:12]}"
    for month in sorted(months):
        with (
            one_run_per_rfc(resource.paths.ledger, rfc, owner, resource.rfc_lease_wait_seconds, say),
            watch_run_waits(instance, say),
        ):
            result = _materialize(instance, resource, rfc, month)
        if not result.success:
            failures = [e.message or "" for e in result.all_events if e.is_failure]
            raise PartitionRunError(f"the run for {rfc} {month:%Y-%m} failed: " + " | ".join(failures))
        on_done(month, result)


def _materialize(
    instance: dg.DagsterInstance, resource: SyncResource, rfc: str, month: date
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*PIPELINE, *CHECKS],
        partition_key=str(partition_key(rfc, month)),
        instance=instance,
        resources={"sync": resource},
        raise_on_error=False,
        tags={"cfdi_etl/run": "one-shot", **run_tags()},
        # The steps' own messages speak the user's terms; Dagster's engine events stay in the event log.
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
