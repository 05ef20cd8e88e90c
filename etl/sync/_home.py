"""Where runtime state lives: `$CFDI_ETL_HOME` (default `./var`), the warehouse folder inside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SyncPaths", "runtime_home"]


def runtime_home() -> Path:
    return Path(os.environ.get("CFDI_ETL_HOME", "var")).resolve()


@dataclass(frozen=True, slots=True)
class SyncPaths:
    """The ledger and the package store sit in the warehouse folder, beside (not inside) the DuckDB file."""

    home: Path

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def ledger(self) -> Path:
        return self.warehouse_dir / "ledger.sqlite"

    @property
    def packages(self) -> Path:
        return self.warehouse_dir / "packages"
