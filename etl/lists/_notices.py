"""SAT's notice cells ("Número y fecha de oficio global"): kept as printed, with their date read out.

Three ways the number is written have been seen: `500-05-2025-39537`, the same with spaces instead of
dashes, and the long `500-05-00-00-00-2026-16026`; each followed by `de fecha <date>`, the date spelled in
Spanish or as DD/MM/AAAA. Only the date is extracted: the number is SAT's and stays as SAT wrote it.
"""

from __future__ import annotations

import re

from etl.lists._dates import ParsedDate, spanish_dates

__all__ = ["notice_date"]

_AFTER_NUMBER = re.compile(r"\bde\s+fecha\b|\bdel\b|\bde\b", re.IGNORECASE)


def notice_date(text: str | None) -> ParsedDate:
    """The date a notice cell states; the text itself is not changed."""
    if text is None or not text.strip():
        return ParsedDate(None)
    marker = _AFTER_NUMBER.search(text)
    # The number's own digits (500-05-2025-...) are never a date: read only what follows it.
    dates = spanish_dates(text[marker.start() :] if marker else text)
    if not dates:
        return ParsedDate(None, f"oficio sin fecha legible: {text.strip()!r}")
    if len(dates) > 1:
        return ParsedDate(dates[0], f"oficio con {len(dates)} fechas ({text.strip()!r}): se toma la primera")
    return ParsedDate(dates[0])
