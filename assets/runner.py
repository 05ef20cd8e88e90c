"""One-shot runs outside the Dagster daemon (the CLI and the demo): partitions materialized in-process,
recorded in the same Dagster instance, so the UI shows them like any other run."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date

import dagster as dg

from assets._assets import PIPELINE
from assets._checks import CHECKS
from assets._console import console_logger
from assets._dead_runs import fail_dead_runs, run_tags
from assets._partitions import add_rfc, partition_key
from assets._resources import SyncResource
from assets._rfc_lease import one_run_per_rfc
from schemas import Partition

__all__ = ["PartitionRunError", "months_between", "run_partitions", "waits_for_sat"]


class PartitionRunError(RuntimeError):
    """A partition's run failed; earlier partitions stay loaded and a rerun resumes from the ledger.

    `step` is the first step that failed and `reason` what it raised, as its own message says it (the
    exception's class in `error_class`); the Dagster traceback stays in the run's event log.
    """

    def __init__(self, rfc: str, month: date, step: str, error_class: str, reason: str) -> None:
        super().__init__(f"the run for {rfc} {month:%Y-%m} failed at {step}: {reason}")
        self.rfc, self.month, self.step, self.error_class, self.reason = rfc, month, step, error_class, reason


def _failure(rfc: str, month: date, result: dg.ExecuteInProcessResult) -> PartitionRunError:
    """The first failed step's own error, under Dagster's wrappers."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error if event.step_failure_data else None
        while error is not None and error.cause is not None and (error.cls_name or "").startswith("Dagster"):
            error = error.cause
        if error is not None:
            kind = error.cls_name or "Exception"
            reason = re.sub(rf"^(?:[\w.]+\.)?{re.escape(kind)}: ", "", error.message.strip())
            return PartitionRunError(rfc, month, event.step_key or "?", kind, reason)
    messages = " | ".join(e.message or "" for e in result.all_events if e.is_failure)
    return PartitionRunError(rfc, month, "the run", "DagsterRunFailure", messages or "the run failed")


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
    verbose: bool = False,
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
        with one_run_per_rfc(resource.paths.ledger, rfc, owner, resource.rfc_lease_wait_seconds, say):
            result = _materialize(instance, resource, rfc, month, verbose)
        if not result.success:
            raise _failure(rfc, month, result)
        on_done(month, result)


def _materialize(
    instance: dg.DagsterInstance, resource: SyncResource, rfc: str, month: date, verbose: bool
) -> dg.ExecuteInProcessResult:
    """What `dg.materialize` does, with the console logger chosen (`--verbose` shows Dagster's own)."""
    definitions = dg.Definitions(
        assets=[*PIPELINE, *CHECKS],
        resources={"sync": resource},
        loggers={"console": console_logger(verbose)},
    )
    return definitions.resolve_implicit_global_asset_job_def().execute_in_process(
        partition_key=str(partition_key(Partition(rfc, month))),
        instance=instance,
        raise_on_error=False,
        tags={"cfdi_etl/run": "one-shot", **run_tags()},
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}} if verbose else {}}},
    )
