"""Header names to fields, compared without accents or case, with the variants SAT's files use.

69-B: `No` or `No.`, `Nombre del Contribuyente`, `Situación del contribuyente`, then four cells per stage
(presunción, desvirtuado, definitivo, sentencia favorable) in singular or plural. Art. 69: `RAZON SOCIAL`,
`RAZÓN SOCIAL` or `NOMBRE O RAZON SOCIAL`, `SUPUESTO` or `SUPUESTO DE CANCELACION CSD`, `FECHA(S) DE
PRIMERA PUBLICACION` or `FECHA DE PUBLICACION`, and the columns only some files have. A column not known
is ignored; a field no column names is left empty (an Art. 69 file without TIPO PERSONA gets it from
the RFC's length).
"""

from __future__ import annotations

import re

from etl.lists._dates import fold

__all__ = ["columns_69", "columns_69b", "header_name", "stage_of"]

_STAGES = (
    ("presuncion", re.compile(r"\bpresun")),
    ("desvirtuado", re.compile(r"\bdesvirtu")),
    ("definitivo", re.compile(r"\bdefinitiv")),
    ("sentencia_favorable", re.compile(r"\bsentencia")),
)

_FIELDS_69 = {
    "rfc": "rfc",
    "razon social": "razon_social",
    "nombre o razon social": "razon_social",
    "nombre": "razon_social",
    "tipo persona": "tipo_persona",
    "tipo de persona": "tipo_persona",
    "supuesto": "supuesto",
    "supuesto de cancelacion csd": "supuesto",
    "fecha de primera publicacion": "fecha_primera_publicacion",
    "fechas de primera publicacion": "fecha_primera_publicacion",
    "fecha de publicacion": "fecha_primera_publicacion",
    "entidad federativa": "entidad_federativa",
    "fecha de cancelacion": "fecha_cancelacion",
    "monto": "monto",
    "ejercicio": "ejercicio",
    "periodo": "periodo",
}


def header_name(cell: str) -> str:
    """A header cell as compared: folded, without a trailing period (`No.` is `no`)."""
    return fold(cell).rstrip(".").strip()


def stage_of(name: str) -> str | None:
    for stage, pattern in _STAGES:
        if pattern.search(name):
            return stage
    return None


_PLAIN_69B = {"no": "numero", "num": "numero", "numero": "numero", "rfc": "rfc"}
_PREFIXED_69B = (("nombre", "nombre"), ("situacion", "situacion"))


def _stage_cell(name: str) -> str | None:
    """Which of a stage's four cells a header names: oficio_sat, oficio_dof, publicacion_sat/_dof."""
    if "oficio" in name:
        where = name.rsplit(" ", 1)[-1]
        return f"oficio_{where}" if where in ("sat", "dof") else None
    if name.startswith("publicacion"):
        if "pagina sat" in name or name.startswith("publicacion sat"):
            return "publicacion_sat"
        if " dof" in name:
            return "publicacion_dof"
    return None


def _field_69b(name: str) -> str | None:
    if name in _PLAIN_69B:
        return _PLAIN_69B[name]
    for prefix, field in _PREFIXED_69B:
        if name.startswith(prefix):
            return field
    stage, cell = stage_of(name), _stage_cell(name)
    return f"{stage}_{cell}" if stage and cell else None


def _columns(header: list[str], field_of: dict[str, str] | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = header_name(cell)
        field = _field_69b(name) if field_of is None else field_of.get(name)
        if field is not None and field not in found:
            found[field] = index
    return found


def columns_69b(header: list[str]) -> dict[str, int]:
    """Field -> column index for a 69-B header."""
    return _columns(header, None)


def columns_69(header: list[str]) -> dict[str, int]:
    """Field -> column index for an Art. 69 header."""
    return _columns(header, _FIELDS_69)
