"""`cfdi-etl rfc add|list`: register the RFCs whose documents are loaded, and where their e.firma lives."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["rfc"]


@click.group()
def rfc() -> None:
    """Register RFCs (each one becomes a Dagster partition) and where their e.firma lives."""


@rfc.command("add")
@click.argument("rfc_text", metavar="RFC")
@click.option("--cer", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option(
    "--password-env",
    metavar="NAME",
    help="Environment variable (or secret) holding the key's password "
    "[default: CFDI_ETL_FIEL_PASSWORD_<RFC>]. The password is never stored.",
)
def add(rfc_text: str, cer: Path, key: Path, password_env: str | None) -> None:
    """Register RFC with its e.firma (.cer and .key); checks the e.firma now if its password is set."""
    from assets.registration import register_rfc

    try:
        message = register_rfc(rfc_text, cer, key, password_env)
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(message)


@rfc.command("list")
def list_() -> None:
    """The registered RFCs and where their e.firma lives."""
    from assets.registration import registered

    for location in registered():
        click.echo(f"{location.rfc}  {location.cer_path}  {location.key_path}  ${location.password_variable}")
