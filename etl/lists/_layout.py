"""What a list file is, told by its content: the family (69-B or Art. 69), where its header is, the
list's own date from line 0, and which situation a per-situation 69-B file holds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from etl.lists._dates import fold, spanish_dates
from etl.lists._headers import columns_69, columns_69b, header_name
from etl.lists._records import Record
from schemas.lists import SITUACIONES_69B, STAGES_69B

__all__ = ["FAMILY_69", "FAMILY_69B", "Layout", "ListFileError", "find_layout"]

FAMILY_69B = "69-B"
FAMILY_69 = "69"
COMPLETO = "completo"
# The preamble is two lines (a note and a title), sometimes followed by a row of empty cells.
_HEADER_WITHIN = 8
_TITLE_SITUATIONS = (
    (re.compile(r"\bpresuntos?\b"), "Presunto"),
    (re.compile(r"\bdesvirtua(?:ron|dos?)\b"), "Desvirtuado"),
    (re.compile(r"\bdefinitivos?\b"), "Definitivo"),
    (re.compile(r"\bsentencias? favorables?\b"), "Sentencia Favorable"),
)


class ListFileError(ValueError):
    """The file is not one of SAT's lists as this reader knows them; nothing of it was loaded."""


@dataclass(frozen=True, slots=True)
class Layout:
    family: str
    header: list[str]
    header_line: int
    columns: dict[str, int]
    fecha_lista: date | None  # 69-B: from line 0; Art. 69 prints none
    archivo: str  # 69-B: 'completo' or the one situation the file lists; Art. 69: told per record


def _list_date(preamble: list[Record]) -> date | None:
    for record in preamble:
        text = " ".join(record.cells)
        if fold(text).startswith("informacion actualizada al"):
            dates = spanish_dates(text)
            return dates[0] if dates else None
    return None


def _situation_of_title(preamble: list[Record], columns: dict[str, int]) -> str:
    """'completo' unless the title names exactly one situation (or only one stage has columns)."""
    title = fold(" ".join(" ".join(r.cells) for r in preamble))
    if "completo" in title:
        return COMPLETO
    named = [situation for pattern, situation in _TITLE_SITUATIONS if pattern.search(title)]
    if len(named) == 1:
        return named[0]
    if "situacion" in columns:
        return COMPLETO
    stages = {field.split("_oficio")[0].split("_publicacion")[0] for field in columns if "_" in field}
    by_stage = dict(zip(STAGES_69B, SITUACIONES_69B, strict=True))
    if len(stages) == 1:
        return by_stage[stages.pop()]
    raise ListFileError("a 69-B file without a situation column whose title names no one situation")


def find_layout(records: Iterator[Record]) -> Layout:
    """Read the preamble and header from the first records; the iterator is left at the first data record."""
    preamble: list[Record] = []
    for record in records:
        names = {header_name(cell) for cell in record.cells}
        if "rfc" in names:
            return _layout(record, preamble, names)
        if len(preamble) >= _HEADER_WITHIN:
            break
        preamble.append(record)
    raise ListFileError(
        f"no header with an RFC column in the first {_HEADER_WITHIN} records: not one of SAT's 69-B or "
        "Art. 69 lists (those have a header naming RFC)"
    )


def _layout(header: Record, preamble: list[Record], names: set[str]) -> Layout:
    if any(name.startswith("situacion") or "oficio" in name for name in names):
        columns = columns_69b(header.cells)
        fecha = _list_date(preamble)
        if fecha is None:
            raise ListFileError(
                "a 69-B list without its 'Información actualizada al <fecha>' line: the list's own date "
                "cannot be told, so it cannot be placed among the versions"
            )
        archivo = _situation_of_title(preamble, columns)
        return Layout(FAMILY_69B, header.cells, header.line, columns, fecha, archivo)
    if any(name.startswith("supuesto") for name in names):
        return Layout(FAMILY_69, header.cells, header.line, columns_69(header.cells), None, "")
    raise ListFileError(
        "a header with RFC but neither a 69-B situation/notice column nor an Art. 69 SUPUESTO column"
    )
