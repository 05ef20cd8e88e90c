"""One 69-B record to one row of `lista_69b`: situation spelled as SAT does, suppressed rows flagged,
each stage's notice kept as printed with its date read out, publication dates parsed."""

from __future__ import annotations

import re
from datetime import date

from etl.lists._cells import Cells, RecordRejectedError
from etl.lists._dates import fold
from etl.lists._notices import notice_date
from schemas.lists import SITUACIONES_69B, STAGES_69B

__all__ = ["row_69b"]

_SITUATIONS = {fold(s): s for s in SITUACIONES_69B}
_SUPPRESSED_RFC = re.compile(r"X{12,13}")


def _situation(cells: Cells, archivo: str) -> str:
    printed = cells.text("situacion")
    if printed is None:
        if archivo in SITUACIONES_69B:
            return archivo
        raise RecordRejectedError("sin situación: la celda Situación del contribuyente está vacía")
    situation = _SITUATIONS.get(fold(printed))
    if situation is None:
        known = ", ".join(SITUACIONES_69B)
        raise RecordRejectedError(f"situación desconocida: {printed!r} no es ninguna de SAT ({known})")
    if archivo in SITUACIONES_69B and situation != archivo:
        raise RecordRejectedError(
            f"situación ajena al archivo: {situation!r} en un archivo de la situación {archivo!r}"
        )
    return situation


def _number(cells: Cells) -> int | None:
    text = cells.text("numero")
    return int(text) if text is not None and text.isdigit() else None


def _stage(cells: Cells, stage: str) -> tuple[object, ...]:
    values: list[object] = []
    for where in ("sat", "dof"):
        oficio = cells.text(f"{stage}_oficio_{where}")
        values += [oficio, cells.date(f"{stage}_oficio_{where}", notice_date(oficio))]
        values.append(cells.date(f"{stage}_publicacion_{where}"))
    # The table's order: oficio, its date, publication; SAT's page first, then the DOF.
    return tuple(values)


def row_69b(cells: Cells, archivo: str, fecha_lista: date, source: tuple[str, str]) -> tuple[object, ...]:
    """The row, in `lista_69b`'s column order; raises RecordRejectedError for a record that cannot be read."""
    rfc = cells.rfc()
    nombre = cells.text("nombre")
    suppressed = bool(_SUPPRESSED_RFC.fullmatch(rfc)) or "suprimid" in fold(f"{rfc} {nombre or ''}")
    if not suppressed:
        cells.require_rfc(rfc)
    situation = _situation(cells, archivo)
    stages = tuple(value for stage in STAGES_69B for value in _stage(cells, stage))
    fuente, sha256 = source
    return (
        rfc, nombre, situation, suppressed, _number(cells), *stages,
        archivo, fecha_lista, fuente, sha256, cells.record.line, list(cells.repairs),
    )  # fmt: skip
