"""Rows printed the way `cfdi-etl query` prints them: a table for people, CSV or JSON lines for programs."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

__all__ = ["FORMAT_OPTION", "emit"]

FORMAT_OPTION = click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people, csv or json (one object per line) for other programs.",
)


def emit(rows: Sequence[dict[str, object]], output: str, *, empty: str) -> None:
    import polars as pl

    if not rows:
        if output == "table":
            click.echo(empty)
        return
    frame = pl.DataFrame(rows, infer_schema_length=None)
    if output == "csv":
        sys.stdout.write(frame.write_csv())
    elif output == "json":
        sys.stdout.write(frame.write_ndjson())
    else:
        with pl.Config(
            tbl_rows=-1,
            tbl_cols=-1,
            fmt_str_lengths=80,
            tbl_width_chars=250,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
            tbl_hide_dtype_separator=True,
        ):
            click.echo(frame)
