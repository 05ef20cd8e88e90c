"""`cfdi-etl sandbox`: run the local SAT sandbox, and issue test FIELs it trusts."""

from __future__ import annotations

import os
import secrets
import signal
import threading
from pathlib import Path
from types import FrameType

import click

__all__ = ["sandbox"]

_PASSWORD_VARIABLE = "CFDI_ETL_FIEL_PASSWORD"  # noqa: S105 -- the variable's name, not a password


@click.group()
def sandbox() -> None:
    """The local SAT sandbox: a real HTTP server on loopback that speaks SAT's bulk-download SOAP."""


@sandbox.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="0 picks a free port."
)
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), help="State directory [$CFDI_ETL_HOME/sandbox]."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the synthetic corpus and the faults."
)
@click.option("--rfc", "rfcs", multiple=True, help="An RFC the corpus holds documents for (repeatable).")
@click.option(
    "--documents-per-month", type=click.IntRange(min=0), help="Corpus volume per RFC and direction."
)
@click.option("--accepted-seconds", type=float, default=1.0, show_default=True, help="Time in state 1.")
@click.option("--in-progress-seconds", type=float, default=1.0, show_default=True, help="Time in state 2.")
@click.option(
    "--token-lifetime", type=float, default=300.0, show_default=True, help="Token lifetime, seconds."
)
@click.option("--documents-per-package", type=click.IntRange(min=1), default=10_000, show_default=True)
def serve(  # noqa: PLR0917 -- click passes each option as an argument
    port: int,
    data_dir: Path | None,
    seed: int,
    rfcs: tuple[str, ...],
    documents_per_month: int | None,
    accepted_seconds: float,
    in_progress_seconds: float,
    token_lifetime: float,
    documents_per_package: int,
) -> None:
    """Serve SAT's four operations for CFDI and Retenciones until Ctrl-C; print the URL and a test FIEL."""
    from cli._settings import read_settings
    from sandbox import SandboxConfig, SandboxServer

    home = data_dir or read_settings().sandbox_home
    chosen = tuple(r.strip().upper() for r in rfcs) or ("EKU9003173C9",)
    config = SandboxConfig(
        data_dir=home,
        seed=seed,
        rfcs=chosen,
        documents_per_month=documents_per_month,
        accepted_seconds=accepted_seconds,
        in_progress_seconds=in_progress_seconds,
        token_lifetime_seconds=token_lifetime,
        documents_per_package=documents_per_package,
        port=port,
    )
    # Ctrl-C and SIGTERM only set this event, whenever they arrive: the server is always stopped cleanly.
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    server = SandboxServer(config)
    try:
        base_url = server.start()
    except OSError as error:
        raise click.ClickException(f"cannot listen on port {port}: {error.strerror}; try --port 0") from None
    except ValueError as error:  # e.g. an --rfc that is not an RFC
        raise click.ClickException(str(error)) from None
    try:
        _announce(base_url, home, chosen[0])
        while not stop.wait(0.5):  # short waits: the signal handler runs between them at the latest
            pass
    finally:
        server.stop()
        click.echo("Sandbox stopped.")


def _announce(base_url: str, home: Path, rfc: str) -> None:
    """Print where to connect, and a test FIEL for `rfc` (created on first use, its password in a file)."""
    from sandbox import generate_test_fiel

    fiel_dir = home / "fiel"
    certificate, key, password_file = (
        fiel_dir / f"{rfc}{suffix}" for suffix in (".cer", ".key", ".password")
    )
    if not (certificate.is_file() and key.is_file() and password_file.is_file()):
        password = secrets.token_urlsafe(16)
        fiel_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password)
        generate_test_fiel(rfc, fiel_dir, password, data_dir=home)
    click.echo(f"Base URL: {base_url}")
    click.echo(f"  CFDI at {base_url}/cfdi/..., Retenciones at {base_url}/retenciones/...")
    click.echo(f"  SAT's lists at {base_url}/listas/ (cfdi-etl lists fetch --base-url {base_url}/listas/)")
    click.echo(f"Test FIEL for {rfc}:")
    click.echo(f"  certificate: {certificate}")
    click.echo(f"  key:         {key}")
    click.echo(f'  password in: {password_file}  (export {_PASSWORD_VARIABLE}="$(cat {password_file})")')
    click.echo(f"State in {home}. Ctrl-C stops.")


@sandbox.command()
@click.argument("rfc")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for .cer and .key."
)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Sandbox state (its test CA).")
def fiel(rfc: str, out_dir: Path, data_dir: Path | None) -> None:
    """Issue a test FIEL for RFC from the sandbox's test CA (password: $CFDI_ETL_FIEL_PASSWORD or prompt)."""
    from cli._settings import read_settings
    from sandbox import generate_test_fiel

    password = os.environ.get(_PASSWORD_VARIABLE) or click.prompt(
        "Password for the new key", hide_input=True, confirmation_prompt=True
    )
    paths = generate_test_fiel(rfc, out_dir, password, data_dir=data_dir or read_settings().sandbox_home)
    click.echo(f"certificate: {paths.certificate}")
    click.echo(f"key:         {paths.private_key}")
