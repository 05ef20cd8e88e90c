"""`cfdi-etl run --wait`: poll SAT until it is done, bounded by the stuck limit, instead of leaving it."""

from __future__ import annotations

import click

from assets._resources import SyncResource

__all__ = ["waiting_for_sat"]


def waiting_for_sat(resource: SyncResource, interval: float) -> SyncResource:
    """The resource whose polling step waits for SAT up to the stuck limit, asking every `interval` s.

    The wait is the step's own polling, so Ctrl-C stops it like any step; the ledger keeps the requests.
    """
    hours = resource.stuck_after_hours
    click.echo(
        f"--wait: polling SAT every {interval:g} s until it finishes, for at most {hours:g} h (the stuck "
        "limit, CFDI_ETL_STUCK_AFTER_HOURS); Ctrl-C stops, and a later run resumes from the ledger",
        err=True,
    )
    return SyncResource(
        **{**resource.model_dump(), "poll_wait_seconds": hours * 3600, "poll_interval_seconds": interval}
    )
