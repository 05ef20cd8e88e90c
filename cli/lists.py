"""`cfdi-etl lists load|fetch`: SAT's published lists (Art. 69-B, Art. 69) into the warehouse.

`load` takes files a user downloaded (recognised by their content, whatever their names); `fetch` asks
SAT's open-data store (or `--base-url`, e.g. the sandbox's) for what changed since the last fetch and
loads it. Either prints one line per file: the list, its own date, rows and taxpayers, rejects by reason.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from cli._settings import read_settings
from warehouse import Warehouse, WarehouseError

__all__ = ["lists"]


def _summary(console: Console, outcomes: list[object]) -> int:
    from assets._lists_sync import ListOutcome

    failed = 0
    for outcome in outcomes:
        assert isinstance(outcome, ListOutcome)
        fetched = escape(f" [{outcome.fetch_status}]") if outcome.fetch_status else ""
        report = outcome.report
        if outcome.error is not None:
            failed += 1
            console.print(f"[red]{outcome.name}[/red]{fetched}: {escape(outcome.error)}")
        elif report is None:
            console.print(f"{outcome.name}{fetched}: already in the warehouse, nothing to load")
        elif report.ya_cargado:
            console.print(f"{outcome.name}: already loaded (same content), nothing changed")
        else:
            rejects = ", ".join(f"{reason} {count}" for reason, count in report.rechazos.items()) or "none"
            current = ", ".join(report.aplicada) or "none (an older version than the one loaded)"
            console.print(
                f"{outcome.name}{fetched}: {report.family} {report.archivo}, list date {report.fecha_lista}, "
                f"{report.registros:,} rows ({report.contribuyentes:,} taxpayers), {report.reparados:,} "
                f"repaired, rejects: {rejects}; current for: {current}; "
                f"{report.altas:,} entered, {report.bajas:,} left"
            )
    return failed


def _open(warehouse: Path | None) -> Warehouse:
    try:
        settings = read_settings()
        return Warehouse.open(warehouse or settings.warehouse, lock_wait=settings.warehouse_lock_wait_seconds)
    except WarehouseError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def lists() -> None:
    """SAT's published lists of taxpayers (69-B: simulated operations; 69: in breach)."""


@lists.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--warehouse", type=click.Path(path_type=Path), help="The DuckDB file (default: the usual).")
def load(paths: tuple[Path, ...], warehouse: Path | None) -> None:
    """Load list files (or folders of them) downloaded from SAT; exits 1 if any could not be loaded."""
    from assets._lists_sync import load_list_files

    console = Console(soft_wrap=True)
    with _open(warehouse) as wh:
        failed = _summary(console, list(load_list_files(wh, paths)))
        wh.publish()
    if failed:
        raise SystemExit(1)


@lists.command("fetch")
@click.option("--base-url", help="Where the files are (default: $CFDI_ETL_LISTS_BASE_URL, else SAT's).")
@click.option("--warehouse", type=click.Path(path_type=Path), help="The DuckDB file (default: the usual).")
def fetch(base_url: str | None, warehouse: Path | None) -> None:
    """Download the lists that changed (If-Modified-Since, sha256) and load them; exits 1 on a failure."""
    from assets._lists_sync import fetch_and_load, lists_folder

    console = Console(soft_wrap=True)
    with _open(warehouse) as wh:
        url = base_url or read_settings().lists_base_url
        console.print(f"asking {url}")
        failed = _summary(console, list(fetch_and_load(wh, url, lists_folder(wh.path))))
        wh.publish()
    if failed:
        raise SystemExit(1)
