"""`cfdi-etl status check`: ask SAT's status service whether the warehouse's documents are still vigente."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click

from cli._settings import read_settings

__all__ = ["check"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _months(values: tuple[str, ...]) -> list[date]:
    months = []
    for value in values:
        match = _MONTH.fullmatch(value.strip())
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise click.BadParameter(f"{value!r} is not a month as YYYY-MM", param_hint="--month")
        months.append(date(int(match.group(1)), int(match.group(2)), 1))
    return months


def _uuids(values: tuple[str, ...]) -> list[str]:
    for value in values:
        if _UUID.fullmatch(value.strip()) is None:
            raise click.BadParameter(f"{value!r} is not a UUID", param_hint="--uuid")
    return [v.strip().lower() for v in values]


@click.command(name="check")
@click.option("--rfc", "rfcs", multiple=True, help="Only this loaded RFC's documents (repeatable).")
@click.option("--month", "months", multiple=True, help="Only documents of this month, YYYY-MM (repeatable).")
@click.option("--uuid", "uuids", multiple=True, help="Only this document, whatever its month (repeatable).")
@click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The warehouse file [default: $CFDI_ETL_HOME/warehouse/cfdi.duckdb].",
)
def check(
    rfcs: tuple[str, ...], months: tuple[str, ...], uuids: tuple[str, ...], warehouse_path: Path | None
) -> None:
    """Ask SAT's status service about every CFDI whose state can still change and record each answer.

    Without --month or --uuid: the received and issued CFDI of the last CFDI_ETL_STATUS_MONTHS months
    (default 3, this one included). Documents already known cancelled are never asked again. The
    service is CFDI_ETL_STATUS_BASE_URL (default SAT's), paced at CFDI_ETL_STATUS_CALLS_PER_SECOND
    (default 1) with CFDI_ETL_STATUS_CONCURRENCY calls at most in flight (default 2), each document
    tried CFDI_ETL_STATUS_ATTEMPTS times (default 4) on timeouts, connection errors and HTTP 5xx.

    \b
    cfdi-etl status check
    cfdi-etl status check --rfc EKU9003173C9 --month 2026-10
    cfdi-etl status check --uuid 5f8e0c1a-0d5b-4f7e-9c1d-2b3a4c5d6e7f
    """
    from assets.status_checks import check_statuses
    from etl.status import StatusServiceError
    from schemas import PartitionError, check_rfc
    from warehouse import WarehouseError

    try:
        chosen_rfcs = [check_rfc(r, "--rfc") for r in rfcs]
    except PartitionError as error:
        raise click.BadParameter(str(error), param_hint="--rfc") from None
    chosen_months, chosen_uuids = _months(months), _uuids(uuids)
    settings = read_settings()
    status = settings.status_service
    path = warehouse_path or settings.warehouse
    if not path.exists():
        raise click.ClickException(f"{path} does not exist: load documents first (cfdi-etl run, load-files)")
    try:
        with status.client() as client:
            report = check_statuses(
                path,
                client,
                rfcs=chosen_rfcs,
                months=chosen_months,
                window_months=status.months,
                uuids=chosen_uuids,
                lock_wait=settings.warehouse_lock_wait_seconds,
            )
    except (StatusServiceError, WarehouseError) as error:
        raise click.ClickException(str(error)) from None
    for uuid in report.unknown_uuids:
        click.echo(f"{uuid}: not a CFDI of the warehouse (SAT's status service does not serve Retenciones)")
    if not report.summaries:
        click.echo("no document to check")
    for summary in report.summaries.values():
        click.echo(summary.line())
        for problem in summary.errors[:5]:
            click.echo(f"  error: {problem}")
        if len(summary.errors) > 5:
            click.echo(f"  ... and {len(summary.errors) - 5:,} more error(s)")
    if report.errors or report.unknown_uuids:
        raise SystemExit(1)
