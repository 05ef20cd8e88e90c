"""The `cfdi-etl` command: one group; each command group lives in its own module beside this one."""

from __future__ import annotations

import click

from cli.dashboard import dashboard
from cli.demo import demo
from cli.export import export
from cli.lists import lists
from cli.load_files import load_files
from cli.query import query
from cli.requests import requests
from cli.rfc import rfc
from cli.run import run
from cli.sandbox import sandbox
from cli.sat import sat
from cli.status import status

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cfdi-etl")
def main() -> None:
    """Get CFDI and Retenciones out of SAT's bulk download into a DuckDB warehouse."""


main.add_command(dashboard)
main.add_command(demo)
main.add_command(export)
main.add_command(lists)
main.add_command(load_files)
main.add_command(query)
main.add_command(requests)
main.add_command(rfc)
main.add_command(run)
main.add_command(sandbox)
main.add_command(sat)
main.add_command(status)
