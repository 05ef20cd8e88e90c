"""Metadata files (and the third-party file) to one typed frame, its rejects and the record count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from etl.parse.metadata._records import (
    OVERFLOW,
    RECORD,
    MetadataError,
    Records,
    header_key,
    read_rows,
    records_of,
)
from etl.parse.metadata._typed import FIELDS, UUID_HASH, type_records
from schemas.metadata import METADATA, METADATA_RECHAZOS

__all__ = ["MetadataResult", "parse_files"]

_FILE = "__file"
_TERCEROS = ("rfc_a_cuenta_terceros", "nombre_a_cuenta_terceros")


@dataclass(frozen=True, slots=True)
class MetadataResult:
    """`frame` matches schemas.METADATA, `rejects` schemas.METADATA_RECHAZOS; `record_count` counts
    every record read (loaded or refused), to compare with what SAT reported."""

    frame: pl.DataFrame
    rejects: pl.DataFrame
    record_count: int


def parse_files(files: Sequence[tuple[str, bytes]], terceros: Sequence[tuple[str, bytes]]) -> MetadataResult:
    """Parse metadata files (source name, bytes) read together, e.g. the `.txt` files of one package,
    and join the third-party files to them."""
    all_records: list[Records] = []
    good: list[pl.DataFrame] = []
    refused: list[pl.DataFrame] = []
    record_count = 0
    for index, (source, data) in enumerate(files):
        records = records_of(data)
        typed = type_records(records, source)
        all_records.append(records)
        good.append(typed.good)
        refused.append(typed.refused.with_columns(pl.lit(index, dtype=pl.Int64()).alias(_FILE)))
        record_count += typed.record_count

    # One file's frame is used as it is: concatenating or adding columns to a frame read in many
    # chunks makes Polars realign them all, which costs more than the parse.
    frame = good[0] if len(good) == 1 else pl.concat([_empty_good(), *good], how="vertical")
    frame, repeated = _split_repeated_uuids(frame, [g.height for g in good])
    refused.append(repeated)
    rejects = [_unreadable(records, source) for records, (source, _) in zip(all_records, files, strict=True)]
    for part in refused:
        texts = [all_records[f].raw_text(r) for f, r in zip(part[_FILE], part[RECORD], strict=True)]
        rejects.append(
            part.select("source", "numero_linea", "motivo", pl.Series("texto", texts, dtype=pl.String()))
        )
    frame = frame[METADATA.names]  # by name: dropping a column would realign the chunks
    for source, data in terceros:
        frame, tercero_rejects = _join_terceros(frame, source, data)
        rejects.append(tercero_rejects)
    return MetadataResult(
        frame=frame,
        rejects=pl.concat([METADATA_RECHAZOS.empty(), *rejects], how="vertical").sort(
            "source", "numero_linea", maintain_order=True
        ),
        record_count=record_count,
    )


def _empty_good() -> pl.DataFrame:
    return METADATA.empty().with_columns(
        pl.lit(None, dtype=pl.Int64()).alias(RECORD), pl.lit(None, dtype=pl.UInt64()).alias(UUID_HASH)
    )


def _split_repeated_uuids(good: pl.DataFrame, heights: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first record of a UUID listed more than once; refuse the others, saying where it was.
    `heights` are the row counts of the files `good` was concatenated from, in order."""
    if good[UUID_HASH].n_unique() == good.height:
        none = {"source": pl.String(), "numero_linea": pl.Int64(), "motivo": pl.String()}
        return good, pl.DataFrame(schema={**none, RECORD: pl.Int64(), _FILE: pl.Int64()})
    files = pl.concat([pl.repeat(i, n, dtype=pl.Int64(), eager=True) for i, n in enumerate(heights)])
    # Rows are in file order, then line order: the first row of a UUID is where it was first listed.
    marked = good.with_columns(files.alias(_FILE), pl.int_range(pl.len()).alias("_order")).with_columns(
        (pl.col("_order") == pl.col("_order").min().over("uuid")).alias("_first"),
        pl.col("source").first().over("uuid", order_by="_order").alias("_first_source"),
        pl.col("numero_linea").first().over("uuid", order_by="_order").alias("_first_line"),
    )
    repeated = marked.filter(~pl.col("_first")).select(
        "source",
        "numero_linea",
        pl.format("Uuid repeated: first listed in {} line {}", "_first_source", "_first_line").alias(
            "motivo"
        ),
        RECORD,
        _FILE,
    )
    kept = marked.filter(pl.col("_first")).drop(_FILE, "_order", "_first", "_first_source", "_first_line")
    return kept, repeated


def _unreadable(records: Records, source: str) -> pl.DataFrame:
    indices = [i for i, _ in records.unreadable]
    lines = pl.DataFrame({RECORD: indices}, schema={RECORD: pl.Int64()}).select(
        records.line_numbers(pl.col(RECORD))
    )[RECORD]
    return pl.DataFrame(
        {
            "source": [source] * len(indices),
            "numero_linea": lines,
            "motivo": [reason for _, reason in records.unreadable],
            "texto": [records.raw_text(i) for i in indices],
        },
        schema=METADATA_RECHAZOS.schema,
    )


def _join_terceros(frame: pl.DataFrame, source: str, data: bytes) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Attach the third parties of the `_tercero.txt` file to their records, joining on the UUID
    case-insensitively (SAT writes the two files in different letter case). A document can have
    several third parties (one per line item), hence lists."""
    records = records_of(data)
    position = {FIELDS.get(header_key(name)): i for i, name in enumerate(records.header)}
    missing = [c for c in ("uuid", *_TERCEROS) if c not in position]
    if missing:
        raise MetadataError(f"{source}: the third-party file has no column for {', '.join(missing)}")
    written_uuid = pl.col(f"f{position['uuid']}")
    uuid = written_uuid.str.to_lowercase()

    def query(lines: Records) -> pl.LazyFrame:
        return lines.scan().select(
            uuid.alias("uuid"),
            pl.col(f"f{position['rfc_a_cuenta_terceros']}").alias("rfc"),
            pl.col(f"f{position['nombre_a_cuenta_terceros']}").alias("nombre"),
            lines.line_numbers(pl.col(RECORD)).alias("numero_linea"),
            pl.col(RECORD),
            pl.coalesce(
                pl.when(pl.col(OVERFLOW).is_not_null()).then(pl.lit("more fields than the header")),
                pl.when(~uuid.is_in(frame["uuid"].implode()).fill_null(value=True)).then(
                    pl.format("third party for Uuid {}, which no metadata record lists", written_uuid)
                ),
            ).alias("motivo"),
            pl.all_horizontal(pl.col(f"f{i}").is_null() for i in range(len(lines.header))).alias("_blank"),
        )

    # The third-party file is small: every line break that split a name is looked for.
    rows = read_rows(records, query).filter(~pl.col("_blank"))
    refused = rows.filter(pl.col("motivo").is_not_null())
    rejects = pl.concat(
        [
            _unreadable(records, source),
            refused.select(
                pl.lit(source).alias("source"),
                "numero_linea",
                "motivo",
                pl.Series("texto", [records.raw_text(r) for r in refused[RECORD]], dtype=pl.String()),
            ),
        ],
        how="vertical",
    )
    third_parties = (
        rows.filter(pl.col("motivo").is_null())
        .group_by("uuid", maintain_order=True)
        .agg(pl.col("rfc").alias("_rfcs"), pl.col("nombre").alias("_nombres"))
    )
    joined = frame.join(third_parties, on="uuid", how="left", maintain_order="left").with_columns(
        _appended("rfc_a_cuenta_terceros", "_rfcs"),
        _appended("nombre_a_cuenta_terceros", "_nombres"),
    )
    return joined.select(METADATA.names), rejects


def _appended(column: str, more: str) -> pl.Expr:
    """The list in `column` followed by the one in `more`; either may be null."""
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.col(more))
        .when(pl.col(more).is_null())
        .then(pl.col(column))
        .otherwise(pl.concat_list(column, more))
        .alias(column)
    )
