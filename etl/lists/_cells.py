"""What every list record's cells go through: the RFC's shape, a cell by field, and the repairs noted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from etl.lists._dates import ParsedDate, parse_date
from etl.lists._decode import REPLACEMENT
from etl.lists._records import Record

__all__ = ["TEXT_SHOWN", "Cells", "RecordRejectedError", "is_rfc"]

_RFC = re.compile(r"[A-ZÑ&]{3,4}\d{6}[A-Z\d]{3}")
TEXT_SHOWN = 500
# A name with a line break spans two or three lines; a record spanning more swallowed the records after an
# unclosed quote, which must be said, not loaded as one row with a giant name.
_MAX_LINES = 4


def is_rfc(text: str) -> bool:
    return _RFC.fullmatch(text) is not None


class RecordRejectedError(ValueError):
    """This record cannot be read; the reason is for a person."""


@dataclass(slots=True)
class Cells:
    """One record's cells by field name, collecting the repairs its reading needed."""

    record: Record
    columns: dict[str, int]
    repairs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.record.lines > _MAX_LINES:
            raise RecordRejectedError(
                f"comillas sin cerrar: el registro abarca {self.record.lines} líneas (hasta la "
                f"{self.record.end_line - 1}); las que siguen a la comilla quedan dentro y no se cargan"
            )
        if REPLACEMENT in "".join(self.record.cells):
            where = [name for name, index in self.columns.items() if REPLACEMENT in self.raw(name)]
            self.repairs.append(
                "un byte sin carácter en cp1252 (p. ej. 0x8D) se reemplazó por U+FFFD"
                + (f" en {', '.join(where)}" if where else "")
            )

    def raw(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.record.cells):
            return ""
        return self.record.cells[index]

    def text(self, name: str) -> str | None:
        value = self.raw(name).strip()
        return value or None

    def date(self, name: str, parsed: ParsedDate | None = None) -> date | None:
        result = parsed if parsed is not None else parse_date(self.raw(name))
        if result.note:
            self.repairs.append(f"{name}: {result.note}")
        return result.value

    def rfc(self) -> str:
        value = self.raw("rfc").strip().upper()
        if not value:
            raise RecordRejectedError("sin RFC: la celda RFC está vacía")
        return value

    def require_rfc(self, value: str) -> None:
        if not is_rfc(value):
            raise RecordRejectedError(
                f"RFC inválido: {value[:40]!r} no es un RFC "
                "(3 o 4 letras, 6 dígitos de fecha y 3 de homoclave)"
            )
