"""Every complement, addenda or node no table models, kept as XML text so that nothing is dropped."""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import INT, TEXT, UUID

__all__ = ["COMPLEMENTOS_RAW"]

COMPLEMENTOS_RAW = Table(
    name="complementos_raw",
    meaning=(
        "one row per element of a CFDI or Retenciones document that no other table models "
        "(unknown complements, Addenda, concept complements, 3.2 addresses), as XML text"
    ),
    columns=(
        Column("uuid", UUID, "the document's stamp UUID", nullable=False),
        Column(
            "numero",
            INT,
            "position of this element among the document's raw elements, from 1",
            nullable=False,
        ),
        Column("ubicacion", TEXT, "local name of the parent element: Complemento, Addenda, Concepto, …"),
        Column("concepto_numero", INT, "line (conceptos.numero) the element belongs to, if any"),
        Column("namespace", TEXT, "namespace URI of the element, as written"),
        Column("elemento", TEXT, "local name of the element", nullable=False),
        Column("version", TEXT, "the element's Version/version attribute, if any"),
        Column("xml", TEXT, "the element and everything inside it, serialised as XML", nullable=False),
    ),
    key=("uuid", "numero"),
)
