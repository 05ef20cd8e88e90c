"""Line items and their taxes, from attribute dicts to text frames: a batch's at its end, and a large
document's a chunk at a time while it is read.

The attribute dicts the parser keeps take some four times the XML they come from; a document with a
hundred thousand line items would hold them all until the batch ends. Its line items are instead turned
into frames (`LineItemSpill`) every `SPILL_ROWS` of them, at the start of a line item, when those before
it are complete; the rows are the same, numbered the same, as when the whole batch is turned at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from etl.parse.cfdi._rows import CONCEPTO_KEYS, IMPUESTO_KEYS, Attributes, Rows
from etl.parse.cfdi._typed import DOC
from schemas import Table
from schemas._kinds import TEXT_LIST
from schemas.cfdi import CONCEPTOS, IMPUESTOS

__all__ = ["SPILL_ROWS", "LineItemSpill", "concept_taxes", "dict_frame", "owner"]

SPILL_ROWS = 20_000  # line items of one document turned into frames at a time (about 25 MB of dicts)


def _text_schema(keys: dict[str, str], table: Table) -> dict[str, pl.DataType]:
    """Every attribute is read as text (typed later, refusing what does not convert); lists stay lists."""
    kinds = {key: table.column(column).kind for key, column in keys.items()}
    return {key: kind.polars if kind == TEXT_LIST else pl.String() for key, kind in kinds.items()}


def dict_frame(table: Table, keys: dict[str, str], rows: list[Attributes]) -> pl.DataFrame:
    """Attribute dicts to a text frame with the table's column names (Polars reads the dicts natively)."""
    return pl.DataFrame(rows, schema=_text_schema(keys, table)).rename(keys)


def owner(starts: list[int], count: int) -> pl.Series:
    """For each of `count` rows, the index of the group (document, line item) it belongs to, given where
    each group's rows start; groups are contiguous and in order."""
    if count == 0:
        return pl.Series(DOC, [], dtype=pl.Int64())
    positions = pl.Series(range(count), dtype=pl.Int64())
    return (
        pl.Series(starts, dtype=pl.Int64()).search_sorted(positions, side="right").cast(pl.Int64()) - 1
    ).alias(DOC)


def concept_taxes(
    conceptos: pl.DataFrame, taxes: tuple[tuple[str, list[Attributes], list[int]], ...]
) -> list[pl.DataFrame]:
    """Line-item tax lines as text frames, per kind (tipo, the dicts, where each line item's start), each
    row with its line item's document and number taken from `conceptos` (which has `doc` and `numero`)."""
    parts = []
    numbers = conceptos.select(DOC, pl.col("numero").alias("concepto_numero"))
    for tipo, rows, starts in taxes:
        frame = dict_frame(IMPUESTOS, IMPUESTO_KEYS, rows)
        parts.append(
            pl.concat([numbers[owner(starts, frame.height)], frame], how="horizontal").with_columns(
                nivel=pl.lit("concepto"), tipo=pl.lit(tipo)
            )
        )
    return parts


@dataclass
class LineItemSpill:
    """The line items (and their taxes) of the documents of a batch already turned into text frames."""

    rows: Rows
    conceptos: list[pl.DataFrame] = field(default_factory=list)
    impuestos: list[pl.DataFrame] = field(default_factory=list)
    spilled: dict[int, int] = field(default_factory=dict)  # line items turned, by document ordinal
    _docs: list[int] = field(default_factory=list)  # the document of each frame in conceptos/impuestos
    _due: int = 0  # how many line items the batch's rows hold when the next spill is due

    def begin(self, marks: tuple[int, ...]) -> None:
        """A document starts; `marks` are the row lists' lengths then (`Rows.marks`)."""
        self._due = self.rows.mark(marks, self.rows.conceptos) + SPILL_ROWS

    def spill(self, doc: int, marks: tuple[int, ...]) -> None:
        """Turn document `doc`'s complete line items into frames when there are `SPILL_ROWS` of them
        (called at the start of each line item: a list length compared, most of the time)."""
        rows = self.rows
        if len(rows.conceptos) < self._due:
            return
        start = rows.mark(marks, rows.conceptos)
        first = self.spilled.get(doc, 0) + 1
        items = dict_frame(CONCEPTOS, CONCEPTO_KEYS, rows.conceptos[start:])
        items = items.with_columns(
            pl.lit(doc, dtype=pl.Int64()).alias(DOC),
            pl.int_range(first, first + items.height, dtype=pl.Int64()).alias("numero"),
        )
        taxes = []
        for tipo, lines, starts in (
            ("traslado", rows.concept_traslados, rows.concept_traslado_starts),
            ("retencion", rows.concept_retenciones, rows.concept_retencion_starts),
        ):
            offset = rows.mark(marks, lines)
            since = [at - offset for at in starts[rows.mark(marks, starts) :]]
            taxes.append((tipo, lines[offset:], since))
        self.impuestos.extend(concept_taxes(items, tuple(taxes)))
        self.conceptos.append(items)
        self._docs.append(doc)
        self.spilled[doc] = first - 1 + items.height
        for kept in (
            rows.conceptos,
            rows.concept_traslados,
            rows.concept_retenciones,
            rows.concept_traslado_starts,
            rows.concept_retencion_starts,
        ):
            del kept[rows.mark(marks, kept) :]
        self._due = start + SPILL_ROWS

    def forget(self, doc: int) -> None:
        """Drop what was turned of a document that is refused or read again after a repair."""
        if doc not in self.spilled:
            return
        del self.spilled[doc]
        kept = [i for i, of in enumerate(self._docs) if of != doc]
        self.conceptos = [self.conceptos[i] for i in kept]
        # two tax frames (transferred, withheld) per line-item frame
        self.impuestos = [self.impuestos[2 * i + k] for i in kept for k in (0, 1)]
        self._docs = [self._docs[i] for i in kept]

    def clear(self) -> None:
        self.conceptos, self.impuestos, self.spilled, self._docs = [], [], {}, []
