"""`cfdi-etl sat auth|query|verify|download`: SAT's four calls by hand, with a real e.firma.

For checking an e.firma and following one request through SAT (or any server laid out like it, with
`--base-url`). The password comes from `CFDI_ETL_FIEL_PASSWORD` or a hidden prompt, never from an
argument, so it never lands in the shell's history.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from etl.acquire import DamagedPackageError, PackageStore, StoredPackage
from etl.sat import (
    BrokenDownloadError,
    Direction,
    DocumentStatus,
    DocumentType,
    Endpoints,
    Fiel,
    QueryParameters,
    RequestType,
    SatClient,
    SatError,
    Service,
)

__all__ = ["sat"]

PASSWORD_VARIABLE = "CFDI_ETL_FIEL_PASSWORD"  # noqa: S105 - the variable's name, not a password
F = TypeVar("F", bound=Callable[..., None])
P = ParamSpec("P")


@click.group()
def sat() -> None:
    """Talk to SAT's bulk-download service by hand: authenticate, ask, verify, download."""


def _connection_options(command: F) -> F:
    options = [
        click.option(
            "--cer",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            envvar="CFDI_ETL_FIEL_CER",
            required=True,
            help="The e.firma certificate (.cer, DER or PEM) [env CFDI_ETL_FIEL_CER].",
        ),
        click.option(
            "--key",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            envvar="CFDI_ETL_FIEL_KEY",
            required=True,
            help=f"The e.firma private key (.key); its password from ${PASSWORD_VARIABLE} or a prompt "
            "[env CFDI_ETL_FIEL_KEY].",
        ),
        click.option(
            "--base-url",
            help="A server laid out like the sandbox (B/cfdi/..., B/retenciones/...) instead of SAT's hosts.",
        ),
        click.option(
            "--service",
            type=click.Choice([s.value for s in Service]),
            default=Service.CFDI.value,
            show_default=True,
            help="SAT's service family.",
        ),
        click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per HTTP call."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _client(cer: Path, key: Path, base_url: str | None, service: str, timeout: float) -> SatClient:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = click.prompt("e.firma password", hide_input=True, err=True)
    fiel = Fiel.from_files(cer, key, password)
    family = Service(service)
    endpoints = Endpoints.for_base_url(base_url, family) if base_url else Endpoints.sat(family)
    return SatClient(fiel, family, endpoints=endpoints, timeout=timeout)


def _reporting_sat_errors(command: Callable[P, None]) -> Callable[P, None]:
    """SAT's errors as the command's error message (their text is written for the user), no traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except SatError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


@sat.command()
@_connection_options
@_reporting_sat_errors
def auth(*, cer: Path, key: Path, base_url: str | None, service: str, timeout: float) -> None:
    """Check the e.firma and authenticate with SAT (the token itself is not shown)."""
    with _client(cer, key, base_url, service, timeout) as client:
        token = client.authenticate()
    click.echo(f"authenticated {client.fiel.rfc} on {service}: token valid {token.lifetime_seconds:.0f} s, "
               f"until {token.expires:%Y-%m-%d %H:%M:%S} UTC")  # fmt: skip


def _moment(value: str, *, end: bool) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)"
        ) from None
    if end and len(value) == len("YYYY-MM-DD"):
        # A bare end date means the whole of that day, as SAT's end is inclusive.
        moment += timedelta(days=1, seconds=-1)
    return moment


@sat.command()
@_connection_options
@click.option("--direction", type=click.Choice(["issued", "received"]), help="Documents issued or received.")
@click.option(
    "--type",
    "request_type",
    type=click.Choice(["metadata", "xml"]),
    help="The metadata list or the XML documents [default: metadata; none with --uuid].",
)
@click.option("--start", help="Start, Mexico local time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (inclusive).")
@click.option("--end", help="End, Mexico local time: YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH:MM:SS.")
@click.option("--document-type", type=click.Choice([t.value for t in DocumentType]), help="TipoComprobante.")
@click.option("--status", type=click.Choice([s.value for s in DocumentStatus]), help="EstadoComprobante.")
@click.option("--third-party", help="RfcACuentaTerceros.")
@click.option("--complement", help="A SAT complement code, e.g. nomina12, pagos20.")
@click.option(
    "--counterpart", multiple=True, help="Receiver RFC (issued, up to 5) or issuer RFC (received, 1)."
)
@click.option("--uuid", "folio", help="Ask for one document by UUID instead (no other filter).")
@_reporting_sat_errors
def query(
    *,
    cer: Path,
    key: Path,
    base_url: str | None,
    service: str,
    timeout: float,
    direction: str | None,
    request_type: str | None,
    start: str | None,
    end: str | None,
    document_type: str | None,
    status: str | None,
    third_party: str | None,
    complement: str | None,
    counterpart: tuple[str, ...],
    folio: str | None,
) -> None:
    """Ask SAT to prepare a download; prints the IdSolicitud to verify."""
    # Everything given goes into the parameters, so that their own checks refuse what does not belong
    # (a filter with --uuid, a missing period) in the same words as for any other caller.
    if request_type is None and not folio:
        request_type = "metadata"
    params = QueryParameters(
        service=Service(service),
        folio=folio,
        direction={"issued": Direction.ISSUED, "received": Direction.RECEIVED}.get(direction or ""),
        request_type={"xml": RequestType.XML, "metadata": RequestType.METADATA}.get(request_type or ""),
        start=_moment(start, end=False) if start else None,
        end=_moment(end, end=True) if end else None,
        document_type=DocumentType(document_type) if document_type else None,
        document_status=DocumentStatus(status) if status else None,
        third_party_rfc=third_party,
        complement=complement,
        counterparts=counterpart,
    )
    with _client(cer, key, base_url, service, timeout) as client:
        result = client.query(params)
    click.echo(f"IdSolicitud: {result.request_id or '-'}")
    click.echo(f"CodEstatus: {int(result.status)} {result.message}")


@sat.command()
@_connection_options
@click.argument("request_id")
@_reporting_sat_errors
def verify(
    *, cer: Path, key: Path, base_url: str | None, service: str, timeout: float, request_id: str
) -> None:
    """Where request REQUEST_ID stands; once finished, its package ids."""
    with _client(cer, key, base_url, service, timeout) as client:
        result = client.verify(request_id)
    click.echo(f"CodEstatus: {int(result.status)} {result.message}")
    click.echo(f"EstadoSolicitud: {int(result.state)} {result.state.message}")
    click.echo(f"CodigoEstadoSolicitud: {int(result.state_code)} {result.state_code.message}")
    click.echo(f"NumeroCFDIs: {result.document_count}")
    for package_id in result.package_ids:
        click.echo(f"IdPaquete: {package_id}")


@sat.command()
@_connection_options
@click.argument("package_id")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder to write <PACKAGE_ID>.zip into.",
)
@_reporting_sat_errors
def download(
    *, cer: Path, key: Path, base_url: str | None, service: str, timeout: float, package_id: str, out: Path
) -> None:
    """Download package PACKAGE_ID into --out as <PACKAGE_ID>.zip (SAT allows two downloads: keep it)."""
    target = out / f"{Path(package_id).name}.zip"
    if target.exists():
        # SAT serves a package only twice: never spend a download to overwrite a copy already kept.
        raise click.ClickException(
            f"{target} already exists: that package is already kept; nothing was asked."
        )
    with _client(cer, key, base_url, service, timeout) as client:
        saved = _stream_to(client, package_id, target)
    click.echo(f"saved {target} ({saved.size} bytes, sha256 {saved.sha256})")


def _stream_to(client: SatClient, package_id: str, target: Path) -> StoredPackage:
    """The package written to `target` as the pipeline's download writes one into the package store:
    streamed to a temporary file beside it (base64 decoded as it arrives, sha256 while writing), checked to
    be a readable zip, then renamed; memory stays at a chunk whatever the package's size, and `target` is
    only ever the whole package. An answer that breaks off is asked once more (SAT serves a package twice),
    as `SatClient.download` did."""
    folder = PackageStore(target.parent)  # only for its temporary file: the package keeps the asked name
    for tries_left in (1, 0):
        with folder.receive() as incoming:
            try:
                result = client.download_to(package_id, incoming)
            except BrokenDownloadError as error:
                if not tries_left:
                    raise
                click.echo(f"{error}; downloading it again (SAT serves a package twice)", err=True)
                continue
            click.echo(f"CodEstatus: {int(result.status)} {result.message}")
            if not result.size:
                raise click.ClickException(f"SAT sent no package for {package_id}.")
            try:
                return incoming.keep_as(target)
            except DamagedPackageError as error:
                raise click.ClickException(
                    f"what SAT sent for {package_id} is not a readable zip ({error}): nothing was kept."
                ) from None
    raise AssertionError("unreachable: the last try returns or raises")
