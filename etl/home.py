"""Where sync state lives: in the warehouse folder, beside (not inside) the DuckDB file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SyncPaths"]


@dataclass(frozen=True, slots=True)
class SyncPaths:
    warehouse_dir: Path

    @property
    def ledger(self) -> Path:
        return self.warehouse_dir / "ledger.sqlite"

    @property
    def packages(self) -> Path:
        return self.warehouse_dir / "packages"

    @property
    def alerts(self) -> Path:
        """The alert ledger: which facts were told, and which alerts still wait for a channel."""
        return self.warehouse_dir / "alerts.sqlite"

    @property
    def staging(self) -> Path:
        """Parsed frames waiting for their load, as Parquet (rebuilt from the package store at will)."""
        return self.warehouse_dir / "staging"
