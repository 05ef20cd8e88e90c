"""`cfdi-etl demo`: the end-to-end run against the local SAT sandbox, safe to run again."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

__all__ = ["demo"]

DEMO_RFC = "EKU9003173C9"
# The demo's e.firma is a throwaway issued by the sandbox's own test CA, which no one but the sandbox
# trusts; its password is fixed so that a second run can open the key it made on the first.
_DEMO_PASSWORD = "sandbox-demo-only"  # noqa: S105


def _previous_months(today: date, count: int) -> list[date]:
    months: list[date] = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(date(year, month, 1))
    return sorted(months)


@click.command()
@click.option("--months", default=3, show_default=True, help="How many full months before this one to load.")
def demo(months: int) -> None:
    """Run the whole job end to end against the local SAT sandbox and show what landed."""
    import dagster as dg
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from assets._assets import sat_packages, sat_packages_ready, sat_requests
    from assets._instance import local_instance
    from assets._partitions import partition_key
    from assets._resources import SyncResource
    from assets.registration import register_rfc
    from etl.sandbox import SandboxConfig, SandboxServer, generate_test_fiel
    from etl.sat._params import mexico_now
    from etl.sync import Ledger, default_password_variable

    console = Console()
    home = Path(os.environ.get("CFDI_ETL_HOME", "var")).resolve()
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
        resource = SyncResource(
            warehouse=SyncResource.from_env().warehouse,
            sat_base_url=sandbox.base_url,
            poll_wait_seconds=120,
            poll_interval_seconds=0.5,
        )
        instance = local_instance()
        chosen = _previous_months(mexico_now().date(), months)
        with Ledger(resource.paths.ledger) as ledger:
            sent_before = ledger.sat_requests_sent()
        with Progress(console=console) as progress:
            task = progress.add_task("materializing", total=len(chosen))
            for month in chosen:
                progress.update(task, description=f"{DEMO_RFC} {month:%Y-%m}")
                result = dg.materialize(
                    [sat_requests, sat_packages_ready, sat_packages],
                    partition_key=str(partition_key(DEMO_RFC, month)),
                    instance=instance,
                    resources={"sync": resource},
                    raise_on_error=False,
                )
                if not result.success:
                    raise click.ClickException(f"the run for {month:%Y-%m} failed: see the log above")
                progress.advance(task)
        table = Table(title=f"What SAT gave for {DEMO_RFC}")
        for column in ("month", "requests", "documents (SAT's count)", "packages stored"):
            table.add_column(column)
        with Ledger(resource.paths.ledger) as ledger:
            for month in chosen:
                leaves = ledger.partition_leaves(DEMO_RFC, month)
                packages = [p for leaf in leaves for p in ledger.packages(leaf.key) if p.sha256]
                documents = sum(leaf.number_cfdis or 0 for leaf in leaves)
                table.add_row(f"{month:%Y-%m}", str(len(leaves)), f"{documents:,}", str(len(packages)))
            sent = ledger.sat_requests_sent() - sent_before
        console.print(table)
        console.print(f"new requests sent to SAT in this run: {sent}")
    console.print(
        "Open the Dagster UI:  DAGSTER_HOME=$PWD .tools/bin/uv run --locked --no-sync dagster dev\n"
        f"Ledger and packages:  {resource.paths.ledger}  {resource.paths.packages}"
    )
