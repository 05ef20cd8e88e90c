"""`cfdi-etl dashboard`: the analysts' dashboard in the browser, on the published read-only copy."""

from __future__ import annotations

from pathlib import Path

import click

from cli._settings import read_settings

__all__ = ["dashboard"]


@click.command()
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to listen on."
)
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 to let other machines of the network open it).",
)
@click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The warehouse file to read [default: the published copy of $CFDI_ETL_HOME/warehouse/cfdi.duckdb].",
)
def dashboard(port: int, address: str, warehouse_path: Path | None) -> None:
    """Start the dashboard and print its URL; it reads only the published copy, so loads and the
    dashboard never wait for each other, and it shows each new copy as soon as a load publishes it.

    \b
    cfdi-etl dashboard                 # then open http://127.0.0.1:8501
    cfdi-etl dashboard --port 8600 --warehouse /data/cfdi.published.duckdb
    """
    from dashboard.servidor import Servidor
    from warehouse import published_path

    path = (warehouse_path or published_path(read_settings().warehouse)).resolve()
    if not path.exists():
        click.echo(
            f"No published copy at {path} yet: the dashboard says what to do until a load publishes one."
        )
    servidor = Servidor(path, port, address)
    servidor.iniciar(salida=None)
    try:
        servidor.esperar_listo()
        shown = "127.0.0.1" if address == "0.0.0.0" else address  # noqa: S104
        click.echo(f"Dashboard: http://{shown}:{port}   (reading {path}; Ctrl+C stops it)")
        servidor.esperar()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass
    finally:
        servidor.detener()
