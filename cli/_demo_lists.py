"""The demo's part for SAT's lists: load the sandbox's lists, then show the demo RFC's 69-B hits."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

__all__ = ["load_and_show_lists"]

_HITS = (
    "SELECT direction, contraparte, situacion, fecha_presuncion, fecha_definitivo, documentos, "
    "iva_trasladado_mxn, iva_despues_presuncion_mxn FROM riesgo_69b WHERE rfc = ? "
    "ORDER BY iva_trasladado_mxn DESC"
)
_SHOWN = 10


def load_and_show_lists(
    console: Console, lists_url: str, warehouse_path: Path, rfc: str, lock_wait: float
) -> None:
    """Fetch and load the lists (only what changed since the last demo), then print `rfc`'s 69-B hits."""
    from assets._lists_sync import fetch_and_load, lists_folder
    from warehouse import Warehouse

    with Warehouse.open(warehouse_path, lock_wait=lock_wait) as warehouse:
        outcomes = fetch_and_load(warehouse, lists_url, lists_folder(warehouse_path))
        warehouse.publish()
        loaded = [o.report for o in outcomes if o.report is not None and not o.report.ya_cargado]
        failed = [o for o in outcomes if o.error]
        console.print(
            f"SAT lists from {lists_url}: {len(loaded)} file(s) loaded, {len(failed)} failed, "
            f"{len(outcomes) - len(loaded) - len(failed)} unchanged"
        )
        hits = warehouse.query(_HITS, [rfc])
    table = Table(
        title=f"riesgo_69b: {rfc}'s counterparties on SAT's 69-B list ({hits.height}, top {_SHOWN})"
    )
    for column in hits.columns:
        table.add_column(column, justify="right" if hits.schema[column].is_numeric() else "left")
    for row in hits.head(_SHOWN).rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
