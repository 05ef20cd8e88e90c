"""`cfdi-etl status`: the group of status commands (its overview comes from another branch; see below)."""

from __future__ import annotations

import click

from cli.status_check import check

__all__ = ["status"]


@click.group(name="status")
def status() -> None:
    """Statuses at SAT: `status check` asks SAT's status service about the warehouse's documents."""


status.add_command(check)
