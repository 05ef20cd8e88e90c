"""Dates as SAT's list files write them: DD/MM/AAAA, "16 de diciembre de 2025", Excel serial numbers, and
sometimes two of them in one cell."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["ParsedDate", "fold", "parse_date", "spanish_dates"]

_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
_NUMERIC = re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_LONG = re.compile(r"\b(\d{1,2})\s+de\s+([a-z]+)\s+(?:de\s+|del\s+)?(\d{4})\b")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
# Excel's day 0 (it counts 1900 as a leap year, so serials after February 1900 count from here).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)  # 1954 .. 2119: a five-digit number outside this is no date


def fold(text: str) -> str:
    """Lower case without accents, one space between words: how header names and dates are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """The cell's date (the first when it holds several) and a note when reading it needed a repair."""

    value: date | None
    note: str | None = None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def spanish_dates(text: str) -> list[date]:
    """Every date in the text, in the order written: numeric DD/MM/AAAA, ISO, or spelled in Spanish."""
    folded = fold(text)
    found: list[tuple[int, date]] = []
    for match in _NUMERIC.finditer(folded):
        value = _safe(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if value:
            found.append((match.start(), value))
    for match in _ISO.finditer(folded):
        value = _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if value:
            found.append((match.start(), value))
    for match in _LONG.finditer(folded):
        month = _MONTHS.get(match.group(2))
        value = _safe(int(match.group(3)), month, int(match.group(1))) if month else None
        if value:
            found.append((match.start(), value))
    return [value for _, value in sorted(found, key=lambda item: item[0])]


def parse_date(text: str | None) -> ParsedDate:
    """A publication cell's date; an empty cell is no date, and text with no date is a note, not an error."""
    if text is None or not text.strip():
        return ParsedDate(None)
    cell = text.strip()
    if _SERIAL.fullmatch(cell):
        serial = int(float(cell))
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            value = _EXCEL_EPOCH + timedelta(days=serial)
            return ParsedDate(value, f"fecha como número de serie de Excel ({cell} = {value:%d/%m/%Y})")
    dates = spanish_dates(cell)
    if not dates:
        return ParsedDate(None, f"sin fecha legible: {cell!r}")
    if len(dates) > 1:
        shown = ", ".join(f"{d:%d/%m/%Y}" for d in dates)
        return ParsedDate(dates[0], f"{len(dates)} fechas en una celda ({shown}): se toma la primera")
    return ParsedDate(dates[0])
