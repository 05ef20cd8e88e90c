"""Step 6: the analyst views and the read-only published copy, refreshed after a load."""

from __future__ import annotations

from pathlib import Path

from pipeline._ledger_snapshot import snapshot_ledger
from pipeline._log import Log, quiet
from pipeline._settings import Settings
from warehouse import Warehouse

__all__ = ["publish"]


def publish(settings: Settings, *, log: Log = quiet) -> Path:
    """Publish the warehouse, with the request ledger's snapshot (readers of the copy see what waits at
    SAT); returns the published copy's path."""
    with Warehouse.open(settings.warehouse, lock_wait=settings.warehouse_lock_wait_seconds) as warehouse:
        if settings.paths.ledger.exists():
            snapshot_ledger(warehouse, settings.paths.ledger)
        published = warehouse.publish()
    log(f"published {published}")
    return published
