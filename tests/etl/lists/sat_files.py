"""SAT's list files written by hand, byte for byte as SAT writes them (cp1252, CRLF, `"` quoting), for
the reader and load tests. Each helper returns the file's bytes; quirks are spelled out in the rows."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BYTE_8D", "HEADER_69", "HEADER_69B", "csv_bytes", "file_69", "file_69b", "row_69b"]

HEADER_69B = (
    "No", "RFC", "Nombre del Contribuyente", "Situación del contribuyente",
    "Número y fecha de oficio global de presunción SAT", "Publicación página SAT presuntos",
    "Número y fecha de oficio global de presunción DOF", "Publicación DOF presuntos",
    "Número y fecha de oficio global de contribuyentes que desvirtuaron SAT",
    "Publicación página SAT desvirtuados",
    "Número y fecha de oficio global de contribuyentes que desvirtuaron DOF", "Publicación DOF desvirtuados",
    "Número y fecha de oficio global de definitivos SAT", "Publicación página SAT definitivos",
    "Número y fecha de oficio global de definitivos DOF", "Publicación DOF definitivos",
    "Número y fecha de oficio global de sentencia favorable SAT",
    "Publicación página SAT sentencia favorable",
    "Número y fecha de oficio global de sentencia favorable DOF", "Publicación DOF sentencia favorable",
)  # fmt: skip
HEADER_69 = (
    "RFC", "RAZON SOCIAL", "TIPO PERSONA", "SUPUESTO", "FECHA DE PRIMERA PUBLICACION", "ENTIDAD FEDERATIVA",
)  # fmt: skip


def _cell(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


# Written in a cell, this becomes the byte 0x8D, which has no cp1252 character (seen in a name at SAT).
BYTE_8D = "<0x8D>"


def csv_bytes(records: Sequence[Sequence[str]], encoding: str = "cp1252") -> bytes:
    text = "".join(",".join(_cell(v) for v in record) + "\r\n" for record in records)
    return text.encode(encoding).replace(BYTE_8D.encode(), b"\x8d")


def row_69b(
    number: int,
    rfc: str,
    name: str,
    situation: str,
    *,
    presuncion: tuple[str, str, str, str] = ("", "", "", ""),
    definitivo: tuple[str, str, str, str] = ("", "", "", ""),
) -> list[str]:
    """A 69-B row: the presunción and definitivo stages' four cells (desvirtuado, sentencia empty)."""
    return [str(number), rfc, name, situation, *presuncion, "", "", "", "", *definitivo, "", "", "", ""]


def file_69b(
    rows: Sequence[Sequence[str]],
    date_line: str = "Información actualizada al 16 de diciembre de 2025",
    title: str = "Listado completo de contribuyentes (Artículo 69-B del Código Fiscal de la Federación)",
    header: Sequence[str] = HEADER_69B,
    blank_row: bool = True,
) -> bytes:
    """The two preamble lines (the note with the list's date, the title), as some copies an empty row,
    the header on line 2 (3 with the empty row), then the rows."""
    preamble: list[Sequence[str]] = [[date_line], [title]]
    if blank_row:
        preamble.append([""] * len(header))
    return csv_bytes([*preamble, header, *rows])


def file_69(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER_69) -> bytes:
    return csv_bytes([header, *rows])
