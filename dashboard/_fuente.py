"""The published copy the dashboard reads: opened read-only, reopened when a publish replaces the file."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from warehouse import Warehouse

__all__ = ["VARIABLE", "Fuente", "SinCopiaPublicadaError", "ruta_por_omision"]

# How `cfdi-etl dashboard --warehouse FILE` tells the Streamlit process which file to read.
VARIABLE = "CFDI_ETL_DASHBOARD_WAREHOUSE"


class SinCopiaPublicadaError(Exception):
    """There is no published copy at the path yet (nothing was loaded and published)."""


def ruta_por_omision() -> Path | None:
    """The published copy `cfdi-etl dashboard` names in CFDI_ETL_DASHBOARD_WAREHOUSE (it resolves the
    settings; the dashboard reads none of its own), or None when started some other way."""
    chosen = os.environ.get(VARIABLE)
    return Path(chosen) if chosen else None


class Fuente:
    """One read-only connection shared by the sessions (queries take turns), swapped for a new one as soon
    as the file on disk is another: publish() replaces the copy by rename, so its inode changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._warehouse: Warehouse | None = None
        self._sello: tuple[int, int] | None = None

    def _actual(self) -> Warehouse:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise SinCopiaPublicadaError(str(self.path)) from None
        sello = (stat.st_ino, stat.st_mtime_ns)
        if self._warehouse is None or sello != self._sello:
            if self._warehouse is not None:
                self._warehouse.close()
                self._warehouse = None
            self._warehouse = Warehouse.open(self.path, read_only=True)
            self._sello = sello
        return self._warehouse

    def consulta(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        with self._lock:
            return self._actual().query(sql, params)

    def existe(self, vista: str) -> bool:
        frame = self.consulta("SELECT count(*) AS n FROM duckdb_views() WHERE view_name = ?", [vista])
        return bool(frame["n"][0])

    def columnas(self, vista: str) -> list[str]:
        frame = self.consulta(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [vista]
        )
        return [str(name) for name in frame["column_name"]]

    def cerrar(self) -> None:
        with self._lock:
            if self._warehouse is not None:
                self._warehouse.close()
                self._warehouse = None
