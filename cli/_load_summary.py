"""What a `load-files` run tells its user: per RFC what landed on each side, what was refused and why,
what was repaired, and the exit code.

The exit code is 0 whenever the run itself worked, refused documents and unreadable files included (each
is reported); 1 only when nothing could be read at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from rich.console import Console
from rich.table import Table as RichTable

from schemas import Direction, Partition
from schemas.cfdi import COMPROBANTES
from schemas.metadata import METADATA
from schemas.retenciones import RETENCIONES

__all__ = ["Counts", "exit_code", "print_counts", "print_refusals"]

# The tables with one row per document (or metadata record): what "a document landed" counts.
_DOCUMENT_TABLES = (COMPROBANTES.name, RETENCIONES.name)
_SHOWN_REASONS = 20
_EXAMPLES = 2


@dataclass
class Counts:
    """Documents landed per (RFC, side), metadata records likewise, refusals per RFC, repairs by kind."""

    documents: Counter[tuple[str, Direction]] = field(default_factory=Counter)
    metadata: Counter[tuple[str, Direction]] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)

    def landed(self, partition: Partition, frames: Mapping[str, pl.DataFrame]) -> None:
        """Count the documents and metadata records `frames` bring to `partition`."""
        side = (partition.rfc, partition.side)
        self.documents[side] += sum(frames[name].height for name in _DOCUMENT_TABLES if name in frames)
        if METADATA.name in frames:
            self.metadata[side] += frames[METADATA.name].height

    def repaired(self, headers: Iterable[pl.DataFrame]) -> None:
        """Count each repair kind of the documents that land, once per document (not once per side)."""
        for header in headers:
            if "reparaciones" in header.columns:
                self.repairs.update(header["reparaciones"].explode().drop_nulls().to_list())

    def refused_for(self, header: pl.DataFrame, rfcs: Iterable[str]) -> None:
        """Count refused documents of `header` under each loaded RFC that issued or received them."""
        for rfc in rfcs:
            mine = (pl.col("rfc_emisor") == rfc) | (pl.col("rfc_receptor") == rfc)
            self.refused[rfc] += header.filter(mine.fill_null(False)).height


def print_counts(console: Console, counts: Counts, rfcs: Sequence[str]) -> None:
    """One line per loaded RFC: documents landed as issued and as received, metadata, its refusals."""
    table = RichTable(title="Documents per RFC")
    # Metadata records are not documents: their columns only when some were loaded.
    metadata = ("metadata issued", "metadata received") if counts.metadata else ()
    for heading in ("RFC", "issued", "received", *metadata, "refused"):
        table.add_column(heading, justify="left" if heading == "RFC" else "right")
    for rfc in rfcs:
        sides = ((rfc, Direction.ISSUED), (rfc, Direction.RECEIVED))
        figures = [counts.documents[side] for side in sides]
        figures += [counts.metadata[side] for side in sides] if metadata else []
        table.add_row(rfc, *(f"{n:,}" for n in (*figures, counts.refused[rfc])))
    console.print(table)
    if counts.repairs:
        console.print(f"Repaired while reading ({counts.repairs.total():,}, recorded in reparaciones):")
        for kind, count in sorted(counts.repairs.items(), key=lambda item: (-item[1], item[0])):
            console.print(f"  {count:>7,}  {kind}", markup=False, highlight=False)


def print_refusals(console: Console, refusals: Sequence[tuple[str, str]]) -> None:
    """Refused documents grouped by their reason, the most frequent first, each with a source or two."""
    if not refusals:
        return
    sources: dict[str, list[str]] = {}
    for source, reason in refusals:
        sources.setdefault(reason, []).append(source)
    groups = sorted(sources.items(), key=lambda item: (-len(item[1]), item[0]))
    console.print(
        f"[yellow]{len(refusals):,} refused[/] for {len(groups):,} reason(s) "
        "(kept in documentos_rechazados / metadata_rechazos):"
    )
    for reason, where in groups[:_SHOWN_REASONS]:
        examples = ", ".join(where[:_EXAMPLES]) + (", …" if len(where) > _EXAMPLES else "")
        console.print(
            f"  {len(where):>7,}  {reason}  (e.g. {examples})", markup=False, highlight=False, soft_wrap=True
        )
    if len(groups) > _SHOWN_REASONS:
        rest = sum(len(where) for _, where in groups[_SHOWN_REASONS:])
        console.print(f"  … and {rest:,} more for {len(groups) - _SHOWN_REASONS:,} other reasons")


def exit_code(inputs: int, unreadable: int) -> int:
    """0 when the run worked (some input was read); 1 when not one input could be read."""
    return 1 if inputs and unreadable >= inputs else 0
