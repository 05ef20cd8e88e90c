"""`cfdi-etl export NAME... --to FOLDER`: tables and views as Parquet, hive-partitioned by rfc and month."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["export"]


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--to",
    "destination",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into: each name gets NAME/rfc=…/month=…/*.parquet (an earlier export is replaced).",
)
@click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The warehouse file [default: the published copy of $CFDI_ETL_HOME/warehouse/cfdi.duckdb].",
)
def export(names: tuple[str, ...], destination: Path, warehouse_path: Path | None) -> None:
    """Export tables or views to Parquet for other tools (DuckLake, MotherDuck, Spark, pandas).

    \b
    cfdi-etl export comprobantes conceptos documentos --to var/export
    """
    from cli._settings import read_settings
    from warehouse import Warehouse, WarehouseError, published_path

    if warehouse_path is None:
        warehouse_path = read_settings().warehouse
        if published_path(warehouse_path).exists():
            warehouse_path = published_path(warehouse_path)
    try:
        with Warehouse.open(warehouse_path, read_only=True) as wh:
            for name in names:
                folder = wh.export(name, destination)
                files = sum(1 for _ in folder.rglob("*.parquet"))
                click.echo(f"{name}: {files} Parquet file(s) in {folder}")
    except WarehouseError as error:
        raise click.ClickException(str(error)) from None
