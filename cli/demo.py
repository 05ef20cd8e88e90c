"""`cfdi-etl demo`: the end-to-end run against the local SAT sandbox, safe to run again."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from cli._demo_lists import load_and_show_lists

if TYPE_CHECKING:
    from assets._resources import SyncResource

__all__ = ["demo"]

DEMO_RFC = "EKU9003173C9"
# The demo's e.firma is a throwaway issued by the sandbox's own test CA, which no one but the sandbox
# trusts; its password is fixed so that a second run can open the key it made on the first.
_DEMO_PASSWORD = "sandbox-demo-only"  # noqa: S105
_EXAMPLE_QUERY = "SELECT month, count(*) AS documentos FROM documentos GROUP BY ALL ORDER BY ALL"


def _previous_months(today: date, count: int) -> list[date]:
    months: list[date] = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(date(year, month, 1))
    return sorted(months)


@click.command()
@click.option("--months", default=3, show_default=True, help="How many full months before this one to load.")
@click.option("--verbose", is_flag=True, help="Print Dagster's own events and tracebacks too.")
def demo(months: int, verbose: bool) -> None:
    """Run the whole job end to end against the local SAT sandbox and show what landed."""
    from rich.progress import Progress

    from assets._instance import local_instance
    from assets._resources import SyncResource
    from assets.registration import register_rfc
    from assets.runner import PartitionRunError, run_partitions
    from cli._errors import user_error
    from cli._settings import read_settings
    from etl.acquire import LeaseHeldError, Ledger
    from etl.registry import default_password_variable
    from etl.sat import mexico_now
    from pipeline import Settings
    from sandbox import SandboxConfig, SandboxServer, generate_test_fiel

    console = Console()
    settings = read_settings()
    home = settings.home.resolve()
    variable = default_password_variable(DEMO_RFC)
    os.environ.setdefault(variable, _DEMO_PASSWORD)
    config = SandboxConfig(
        data_dir=home / "sandbox", rfcs=(DEMO_RFC,), accepted_seconds=1, in_progress_seconds=1
    )
    with SandboxServer(config) as sandbox:
        console.print(f"SAT sandbox listening at {sandbox.base_url}")
        fiel_dir = home / "demo" / "fiel"
        cer, key = fiel_dir / f"{DEMO_RFC}.cer", fiel_dir / f"{DEMO_RFC}.key"
        if not (cer.is_file() and key.is_file()):
            generate_test_fiel(DEMO_RFC, fiel_dir, os.environ[variable], data_dir=config.data_dir)
        console.print(register_rfc(DEMO_RFC, cer, key, variable))
        resource = SyncResource.from_settings(
            Settings(
                warehouse=settings.warehouse,
                sat_base_url=sandbox.base_url,
                poll_wait_seconds=120,
                poll_interval_seconds=0.5,
                warehouse_lock_wait_seconds=settings.warehouse_lock_wait_seconds,
            )
        )
        instance = local_instance()
        chosen = _previous_months(mexico_now().date(), months)
        with Ledger(resource.paths.ledger) as ledger:
            sent_before = ledger.sat_requests_sent()
        with Progress(console=console) as progress:
            task = progress.add_task(f"{DEMO_RFC}: {len(chosen)} months end to end", total=len(chosen))
            try:
                run_partitions(
                    instance, resource, DEMO_RFC, chosen, lambda *_: progress.advance(task), verbose=verbose
                )
            except (PartitionRunError, LeaseHeldError) as error:
                raise user_error(error) from None
        with Ledger(resource.paths.ledger) as ledger:
            sent = ledger.sat_requests_sent() - sent_before
        console.print(f"new requests sent to SAT in this run: {sent}")
        lock_wait = settings.warehouse_lock_wait_seconds
        console.print(
            _check_statuses(sandbox.base_url, Path(resource.warehouse), chosen, lock_wait), soft_wrap=True
        )
        load_and_show_lists(console, sandbox.lists_url, Path(resource.warehouse), DEMO_RFC, lock_wait)
    _show_warehouse(console, Path(resource.warehouse))
    _show_next(console, instance.root_directory, resource)


def _show_next(console: Console, dagster_home: str, resource: SyncResource) -> None:
    """Where to look next: the Dagster UI, a query, the published copy, the ledger, the dashboard."""
    from warehouse import published_path

    console.print("\nNext:")
    ui = f"DAGSTER_HOME={dagster_home} .tools/bin/uv run --locked --no-sync dagster dev"
    console.print(f"  Dagster UI:      {ui}")
    console.print(
        f"  query:           .tools/bin/uv run --locked --no-sync cfdi-etl query {_EXAMPLE_QUERY!r}"
    )
    console.print(
        f"  published copy:  {published_path(Path(resource.warehouse))} (read-only, for dashboards)"
    )
    console.print(f"  request ledger:  {resource.paths.ledger}   packages: {resource.paths.packages}")
    console.print("  dashboard:       .tools/bin/uv run --locked --no-sync cfdi-etl dashboard (prints a URL)")


def _check_statuses(base_url: str, warehouse: Path, months: list[date], lock_wait: float) -> str:
    """The loaded months' documents asked of the sandbox's status service, as one line."""
    from assets.status_checks import check_statuses
    from etl.status import StatusSettings

    # The sandbox is local: no need for SAT's pace of one call a second.
    settings = StatusSettings(calls_per_second=0, concurrency=4).following(base_url)
    with settings.client() as client:
        report = check_statuses(warehouse, client, rfcs=[DEMO_RFC], months=months, lock_wait=lock_wait)
    return f"status of each CFDI at SAT (ConsultaCFDIService): {report.summary(DEMO_RFC).line()}"


def _show_warehouse(console: Console, path: Path) -> None:
    """Rows per table, then the monthly income/expense view through its own documented example query."""
    from rich.table import Table

    from warehouse import Warehouse

    with Warehouse.open(path, read_only=True) as warehouse:
        rows = Table(title="Rows per table")
        rows.add_column("table")
        rows.add_column("rows", justify="right")
        for name, checksum in sorted(warehouse.checksums().items()):
            count = int(checksum.split(":", 1)[0])
            if count:
                rows.add_row(name, f"{count:,}")
        console.print(rows)
        view = next(v for v in warehouse.catalog.views if v.name == "ingresos_egresos_mensuales")
        console.print(f"[bold]{view.name}[/bold]: {view.meaning}")
        console.print(warehouse.query(view.example))
