"""`cfdi-etl demo`: the end-to-end run against the local SAT sandbox."""

from __future__ import annotations

import click

__all__ = ["demo"]


@click.command()
def demo() -> None:
    """Run the whole job end to end against the local SAT sandbox and show what landed."""
    from schemas import PARTITION_COLUMNS

    click.echo("cfdi-etl foundation: the end-to-end demo grows with the SAT client, sandbox and pipeline.")
    click.echo("Partition columns: " + ", ".join(c.name for c in PARTITION_COLUMNS))
