"""`cfdi-etl query "SQL"`: a quick look at the warehouse without another tool.

Reads the published read-only copy when there is one, so a query never waits for, or blocks, a load.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["query"]


@click.command()
@click.argument("sql")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for people, csv or json (one object per line) for other programs.",
)
@click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The warehouse file to read [default: the published copy of $CFDI_ETL_HOME/warehouse/cfdi.duckdb, "
    "or the warehouse itself if it was never published].",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=200, show_default=True, help="Rows shown as a table."
)
def query(sql: str, output: str, warehouse_path: Path | None, limit: int) -> None:
    """Run one SQL statement read-only against the warehouse and print the result.

    \b
    cfdi-etl query "SELECT month, count(*) FROM documentos GROUP BY ALL ORDER BY ALL"
    cfdi-etl query "SELECT * FROM saldos_ppd" --format csv > saldos.csv
    """
    import polars as pl

    from cli._settings import read_settings
    from warehouse import Warehouse, WarehouseError, published_path

    if warehouse_path is None:
        warehouse_path = read_settings().warehouse
        if published_path(warehouse_path).exists():
            warehouse_path = published_path(warehouse_path)
    try:
        with Warehouse.open(warehouse_path, read_only=True) as wh:
            frame = wh.query(sql)
    except WarehouseError as error:
        raise click.ClickException(str(error)) from None
    if output == "csv":
        sys.stdout.write(frame.write_csv())
    elif output == "json":
        sys.stdout.write(frame.write_ndjson())
    else:
        with pl.Config(tbl_rows=limit, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
            click.echo(frame)
