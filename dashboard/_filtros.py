"""The filters every page shares: RFC (one or all loaded), period (a range of loaded months), currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["MONEDA_MXN", "MONEDA_ORIGINAL", "Filtros"]

MONEDA_MXN = "MXN"
MONEDA_ORIGINAL = "Moneda original"


@dataclass(frozen=True, slots=True)
class Filtros:
    rfcs: tuple[str, ...]
    desde: date
    hasta: date
    moneda: str = MONEDA_MXN

    @property
    def en_mxn(self) -> bool:
        return self.moneda == MONEDA_MXN

    def donde(self, columna_mes: str = "month") -> tuple[str, list[object]]:
        """The WHERE clause (and its parameters) that keeps the chosen RFCs and months."""
        return (
            f"list_contains(?::VARCHAR[], rfc) AND {columna_mes} BETWEEN ? AND ?",
            [list(self.rfcs), self.desde, self.hasta],
        )
