"""A small catalog of the warehouse's own test tables, shaped like the real ones, and frames to fill them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from schemas import Column, Table
from schemas._kinds import INT, MONEY, TEXT, TIMESTAMP, UUID
from warehouse import Catalog, Dataset, StatusFeed

__all__ = [
    "CATALOG",
    "DOCUMENTOS",
    "ESTADOS",
    "LINEAS",
    "RECHAZOS",
    "documents",
    "rejects",
    "staged",
    "statuses",
    "uuid_of",
]

DOCUMENTOS = Table(
    "documentos",
    "one row per document",
    (
        Column("uuid", UUID, "the document", nullable=False),
        Column("total", MONEY, "its total"),
        Column("nombre", TEXT, "a name"),
    ),
    key=("uuid",),
)
LINEAS = Table(
    "lineas",
    "lines of a document",
    (
        Column("uuid", UUID, "the document", nullable=False),
        Column("numero", INT, "line number", nullable=False),
        Column("importe", MONEY, "amount"),
    ),
    key=("uuid", "numero"),
)
RECHAZOS = Table(
    "rechazos",
    "documents that could not be read",
    (
        Column("source", TEXT, "file", nullable=False),
        Column("uuid", UUID, "uuid when known"),
        Column("motivo", TEXT, "why", nullable=False),
    ),
    key=("source",),
)
ESTADOS = Table(
    "estados",
    "status per document",
    (
        Column("uuid", UUID, "the document", nullable=False),
        Column("estatus", TEXT, "vigente or cancelado", nullable=False),
        Column("fecha_cancelacion", TIMESTAMP, "when cancelled"),
    ),
    key=("uuid",),
)

CATALOG = Catalog(
    datasets=(
        Dataset("cfdi", (DOCUMENTOS, LINEAS, RECHAZOS), reject_tables=frozenset({"rechazos"})),
        Dataset(
            "metadata",
            (ESTADOS,),
            status=StatusFeed("estados", cancelled="estatus = 'cancelado'", cancelled_at="fecha_cancelacion"),
        ),
        # Shares its reject table with "cfdi", as Retenciones shares documentos_rechazados.
        Dataset("retenciones", (RECHAZOS,), reject_tables=frozenset({"rechazos"})),
    )
)


def uuid_of(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


def documents(numbers: Iterable[int], lines: int = 2, total: str = "100.50") -> dict[str, pl.DataFrame]:
    """Documents `numbers`, each with `lines` lines; the frames a cfdi parser would hand over."""
    chosen = list(numbers)
    docs = pl.DataFrame(
        {
            "uuid": [uuid_of(n) for n in chosen],
            "total": [Decimal(total)] * len(chosen),
            "nombre": [f"doc {n}" for n in chosen],
        },
        schema=DOCUMENTOS.schema,
    )
    rows = [(uuid_of(n), i, Decimal(total) / lines) for n in chosen for i in range(1, lines + 1)]
    lineas = pl.DataFrame(rows, schema=LINEAS.schema, orient="row")
    return {"documentos": docs, "lineas": lineas, "rechazos": RECHAZOS.empty()}


def rejects(sources: Iterable[str]) -> dict[str, pl.DataFrame]:
    frame = pl.DataFrame(
        [(s, None, "not well-formed") for s in sources], schema=RECHAZOS.schema, orient="row"
    )
    return {"rechazos": frame}


def statuses(entries: Iterable[tuple[int, datetime | None]]) -> dict[str, pl.DataFrame]:
    """Metadata rows: (document number, cancelled at or None for vigente)."""
    rows = [(uuid_of(n), "cancelado" if at else "vigente", at) for n, at in entries]
    return {"estados": pl.DataFrame(rows, schema=ESTADOS.schema, orient="row")}


def staged(folder: Path, name: str, frames: dict[str, pl.DataFrame], parts: int = 2) -> dict[str, list[Path]]:
    """Each table's frame written as `parts` Parquet files, as the parse step stages a package's batches."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {}
    for table, frame in frames.items():
        size = -(-frame.height // parts) or 1
        for k, piece in enumerate(frame.iter_slices(size)):
            path = folder / f"{name}-{k}.{table}.parquet"
            piece.write_parquet(path)
            files.setdefault(table, []).append(path)
    return files
