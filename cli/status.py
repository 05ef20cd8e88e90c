"""`cfdi-etl status [--rfc]`: per RFC and month, what is loaded, what waits at SAT, checks, the e.firma.

A group whose default (no subcommand) is the overview, so subcommands such as `status check` sit beside it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from cli._settings import read_settings
from cli._tables import FORMAT_OPTION, emit
from cli.status_check import check

if TYPE_CHECKING:
    from assets._overview import FielStatus, MonthStatus

__all__ = ["status"]


def _fiel(fiel: FielStatus | None) -> str:
    if fiel is None:
        return "not registered"
    if fiel.problem is not None:
        return fiel.problem
    assert fiel.expires is not None
    days = (fiel.expires - datetime.now(UTC)).days
    return f"valid until {fiel.expires:%Y-%m-%d} ({days} days)"


def _when(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def _row(month: MonthStatus) -> dict[str, object]:
    return {
        "month": f"{month.month:%Y-%m}",
        "rows": month.rows,
        "rejects": month.rejects,
        "last_load_utc": _when(month.last_load),
        "failed_loads": month.failed_loads,
        "checks_passed": month.checks_passed,
        "checks_failed": ", ".join(month.checks_failed),
        "waiting_at_sat": month.waiting_at_sat,
        "waiting_since_utc": _when(month.waiting_since),
        "requests_to_ask_again": month.unusable_requests,
    }


@click.group(invoke_without_command=True)
@click.option("--rfc", help="Only this RFC.")
@FORMAT_OPTION
@click.pass_context
def status(context: click.Context, rfc: str | None, output: str) -> None:
    """Per RFC and month: rows loaded, last load, checks passed and failed, requests waiting at SAT and
    since when, rejects, and when the e.firma expires."""
    if context.invoked_subcommand is not None:
        return
    from assets._instance import local_instance
    from assets._overview import overview
    from assets._resources import SyncResource
    from warehouse import WarehouseError

    try:
        with local_instance() as instance:
            statuses = overview(SyncResource.from_settings(read_settings()), instance, rfc)
    except WarehouseError as error:
        raise click.ClickException(str(error)) from None
    if output != "table":
        rows = [{"rfc": s.rfc, "efirma": _fiel(s.fiel), **_row(m)} for s in statuses for m in s.months]
        emit(rows, output, empty="")
        return
    if not statuses:
        click.echo("nothing registered, requested or loaded yet: start with `cfdi-etl rfc add`")
    for s in statuses:
        click.echo(f"{s.rfc}  e.firma: {_fiel(s.fiel)}")
        emit([_row(m) for m in s.months], output, empty="  no month requested or loaded yet")


status.add_command(check)
