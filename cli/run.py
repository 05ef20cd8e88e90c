"""`cfdi-etl run RFC`: load months (recent ones, or a backfill of years) in this process, with progress."""

from __future__ import annotations

from datetime import date

import click

__all__ = ["EXIT_WAITING_FOR_SAT", "run"]

# `cfdi-etl run` ended without error but SAT has not finished some months yet (nothing loaded for them).
EXIT_WAITING_FOR_SAT = 3


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a month: write YYYY-MM, e.g. 2024-01") from None


@click.command()
@click.argument("rfc")
@click.option("--from", "first", metavar="YYYY-MM", help="First month [default: two months before this one].")
@click.option("--to", "last", metavar="YYYY-MM", help="Last month [default: this month].")
@click.option(
    "--allow-repeat",
    is_flag=True,
    help="Ask SAT where the ledger waits for your say: parameters asked up to SAT's lifetime maximum, "
    "after 5002, or a period asked anew 3 times in a row (SAT may still refuse).",
)
@click.option(
    "--wait",
    is_flag=True,
    help="Keep polling SAT until it finishes every month's requests (at most the stuck limit, "
    "CFDI_ETL_STUCK_AFTER_HOURS) instead of leaving them to the sensor and exiting 3.",
)
@click.option(
    "--wait-interval",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="With --wait: how often SAT is asked.",
)
@click.option("--verbose", is_flag=True, help="Print Dagster's own events and tracebacks too.")
def run(  # noqa: PLR0917 -- click passes each option as an argument
    rfc: str,
    first: str | None,
    last: str | None,
    allow_repeat: bool,
    wait: bool,
    wait_interval: float,
    verbose: bool,
) -> None:
    """Request, download, parse and load RFC's months, oldest first, one month at a time.

    For history (a backfill of years) give --from and --to: the request ledger keeps every request, so
    an interrupted backfill resumes where it stopped without asking SAT twice. Configuration comes from
    the environment (CFDI_ETL_SAT_BASE_URL, CFDI_ETL_POLL_WAIT_SECONDS, CFDI_ETL_SERVICES, ...).
    """
    from dataclasses import replace

    import dagster as dg
    from rich.progress import Progress

    from assets._instance import local_instance
    from assets._resources import SyncResource
    from assets.runner import PartitionRunError, months_between, run_partitions, waits_for_sat
    from cli._errors import user_error
    from cli._settings import read_settings
    from cli._wait import waiting_for_sat
    from etl.acquire import LeaseHeldError
    from etl.sat import mexico_now

    today = mexico_now().date()
    end = _month(last) if last else today.replace(day=1)
    two_before = date(end.year, end.month - 2, 1) if end.month > 2 else date(end.year - 1, end.month + 10, 1)
    start = _month(first) if first else two_before
    if start > end:
        raise click.BadParameter(f"--from {start:%Y-%m} is after --to {end:%Y-%m}")
    months = months_between(start, end)
    settings = read_settings()
    resource = SyncResource.from_settings(replace(settings, allow_repeat=True) if allow_repeat else settings)
    if wait:
        resource = waiting_for_sat(resource, wait_interval)
    waiting: list[date] = []

    def done(month: date, result: dg.ExecuteInProcessResult) -> None:
        if waits_for_sat(result):
            waiting.append(month)
        progress.advance(task)

    with Progress() as progress:
        task = progress.add_task(f"{rfc.upper()} {start:%Y-%m} → {end:%Y-%m}", total=len(months))
        try:
            run_partitions(local_instance(), resource, rfc, months, done, verbose=verbose)
        except (PartitionRunError, LeaseHeldError) as error:
            raise user_error(error) from None
    loaded = len(months) - len(waiting)
    click.echo(f"loaded {loaded} month(s) for {rfc.upper()}")
    if waiting:
        names = ", ".join(f"{m:%Y-%m}" for m in waiting)
        click.echo(
            f"SAT has not finished the requests of {len(waiting)} month(s) ({names}): nothing is loaded for "
            "them yet. The `sat_pending_requests` sensor (with the Dagster daemon) or a later `cfdi-etl run` "
            "finishes them; the request ledger keeps their requests, so SAT is not asked again.",
            err=True,
        )
        raise SystemExit(EXIT_WAITING_FOR_SAT)
