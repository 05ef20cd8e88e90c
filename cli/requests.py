"""`cfdi-etl requests`: the request ledger as a list, and `requests show ID` for one request's history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from cli._settings import read_settings
from cli._tables import FORMAT_OPTION, emit
from cli.run import _month
from etl.acquire import RequestState

if TYPE_CHECKING:
    from etl.acquire import RequestRecord

__all__ = ["requests"]

_KINDS = {"metadata": "Metadata", "xml": "CFDI"}


def _utc_now() -> datetime:
    """Naive UTC, as the ledger writes its times."""
    return datetime.now(UTC).replace(tzinfo=None)


def _row(record: RequestRecord, now: datetime, lifetime_limit: int) -> dict[str, object]:
    e, spec = record.entry, record.entry.spec
    return {
        "n": record.number,
        "rfc": spec.rfc,
        "month": f"{spec.month:%Y-%m}",
        "asks": f"{spec.service.value} {spec.direction.value} "
        f"{'metadata' if spec.request_type.value == 'Metadata' else 'XML'}",
        "period": f"{spec.start:%Y-%m-%d %H:%M:%S} → {spec.end:%Y-%m-%d %H:%M:%S}",
        "id_solicitud": e.id_solicitud or "",
        "state": e.state.value,
        "sat_code": e.last_code,
        "sat_message": e.last_message or "",
        "attempts": f"{e.lifetime_requests}/{lifetime_limit}",
        "documents": e.number_cfdis,
        "packages": str(record.packages),
        "age_hours": round(record.age(now), 1),
        "split_from": record.parent_number,
        "split_into": ", ".join(map(str, record.children)),
    }


@click.group(invoke_without_command=True)
@click.option("--rfc", help="Only this RFC.")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice([state.value for state in RequestState]),
    help="Only requests in this state (repeatable).",
)
@click.option("--from", "first", metavar="YYYY-MM", help="Only partitions from this month.")
@click.option("--to", "last", metavar="YYYY-MM", help="Only partitions up to this month.")
@click.option("--kind", type=click.Choice(sorted(_KINDS)), help="Only metadata or only XML requests.")
@click.option("--service", type=click.Choice(["cfdi", "retenciones"]), help="Only one service.")
@FORMAT_OPTION
@click.pass_context
def requests(
    context: click.Context,
    *,
    rfc: str | None,
    states: tuple[str, ...],
    first: str | None,
    last: str | None,
    kind: str | None,
    service: str | None,
    output: str,
) -> None:
    """What was asked of SAT and what SAT answered, one line per request of the ledger.

    `n` is the request's number for `cfdi-etl requests show N` (SAT's IdSolicitud works there too);
    `attempts` counts against SAT's lifetime maximum for the same parameters; a request SAT split (5003)
    lists the parts it was split into, each part the request it was split from.
    """
    if context.invoked_subcommand is not None:
        return
    from assets._resources import SyncResource
    from etl.acquire import RequestFilter, RequestState, list_requests
    from etl.sat import RequestType, Service

    resource = SyncResource.from_settings(read_settings())
    chosen = RequestFilter(
        rfc=rfc,
        states=tuple(RequestState(s) for s in states),
        from_month=_month(first) if first else None,
        to_month=_month(last) if last else None,
        request_type=RequestType(_KINDS[kind]) if kind else None,
        service=Service(service) if service else None,
    )
    try:
        records = list_requests(resource.paths.ledger, chosen)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    now = _utc_now()
    emit([_row(r, now, resource.lifetime_limit) for r in records], output, empty="no request matches")


@requests.command("show")
@click.argument("identifier", metavar="ID")
def show(identifier: str) -> None:
    """One request (its number in `cfdi-etl requests`, or SAT's IdSolicitud) with its history."""
    from assets._resources import SyncResource
    from etl.acquire import find_request

    resource = SyncResource.from_settings(read_settings())
    try:
        record = find_request(resource.paths.ledger, identifier)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    if record is None:
        raise click.ClickException(f"no request {identifier!r} in the ledger: see `cfdi-etl requests`")
    for name, value in _row(record, _utc_now(), resource.lifetime_limit).items():
        if value not in ("", None):
            click.echo(f"{name:>13}: {value}")
    click.echo(f"{'parameters':>13}: {record.entry.spec.describe()}")
    click.echo("history:")
    for when, what in record.history():
        click.echo(f"  {when:%Y-%m-%d %H:%M:%S} UTC  {what}")
