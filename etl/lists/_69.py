"""One Art. 69 record to one row of `lista_69`: which list it is on (by the header's own columns, else by
its SUPUESTO), the person type from the RFC's length when the file has none, amounts and dates parsed."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from etl.lists._cells import Cells, RecordRejectedError
from etl.lists._dates import fold

__all__ = ["LISTS_69", "list_of_header", "row_69"]

LISTS_69 = (
    "Firmes",
    "No localizados",
    "Cancelados",
    "Exigibles",
    "CSD sin efectos",
    "Entes publicos omisos",
    "Sentencias",
)
_BY_SUPUESTO = (
    (re.compile(r"\bno localizad"), "No localizados"),
    (re.compile(r"\bfirme"), "Firmes"),
    (re.compile(r"\bexigible"), "Exigibles"),
    (re.compile(r"\bcsd\b|sin efecto"), "CSD sin efectos"),
    (re.compile(r"\bomis"), "Entes publicos omisos"),
    (re.compile(r"\bsentencia"), "Sentencias"),
    (re.compile(r"\bcancelad"), "Cancelados"),
)
_MONEY_DIGITS = re.compile(r"[^\d.\-]")


def list_of_header(header: list[str], columns: dict[str, int]) -> str | None:
    """The list a header alone tells (the files whose columns differ); None when its records must."""
    names = {fold(cell) for cell in header}
    if "supuesto de cancelacion csd" in names:
        return "CSD sin efectos"
    if "monto" in columns or "fecha_cancelacion" in columns:
        return "Cancelados"
    if "ejercicio" in columns and "periodo" in columns:
        return "Entes publicos omisos"
    if "fechas de primera publicacion" in names:
        return "Sentencias"
    return None


def _list(cells: Cells, of_header: str | None) -> str:
    if of_header is not None:
        return of_header
    supuesto = fold(cells.text("supuesto") or "")
    for pattern, name in _BY_SUPUESTO:
        if pattern.search(supuesto):
            return name
    raise RecordRejectedError(
        f"lista desconocida: el SUPUESTO {cells.text('supuesto')!r} no dice en qué lista del Art. 69 está"
    )


def _person(cells: Cells, rfc: str) -> str:
    printed = (cells.text("tipo_persona") or "").upper()
    if printed in ("M", "F"):
        return printed
    if printed:
        cells.repairs.append(f"tipo_persona {printed!r}: se deduce del RFC")
    return "M" if len(rfc) == 12 else "F"


def _money(cells: Cells) -> Decimal | None:
    text = cells.text("monto")
    if text is None:
        return None
    try:
        return Decimal(_MONEY_DIGITS.sub("", text)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        cells.repairs.append(f"monto {text!r} ilegible: se deja vacío")
        return None


def row_69(cells: Cells, of_header: str | None, source: tuple[str, str]) -> tuple[object, ...]:
    """The row in `lista_69`'s column order, fecha_lista left empty (the file's newest publication, known
    at its end); raises RecordRejectedError for a record that cannot be read."""
    rfc = cells.rfc()
    cells.require_rfc(rfc)
    fuente, sha256 = source
    return (
        rfc,
        cells.text("razon_social"),
        _person(cells, rfc),
        cells.text("supuesto"),
        _list(cells, of_header),
        cells.date("fecha_primera_publicacion"),
        cells.text("entidad_federativa"),
        cells.date("fecha_cancelacion"),
        _money(cells),
        cells.text("ejercicio"),
        cells.text("periodo"),
        None,
        fuente,
        sha256,
        cells.record.line,
        list(cells.repairs),
    )
