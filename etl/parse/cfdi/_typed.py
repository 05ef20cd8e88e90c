"""From text as written in the XML to a table's types, vectorised, one batch at a time.

A value that does not convert does not fail the batch: its document is named with the column and value, so
that the caller sends that document to the rejects and loads the rest.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from functools import reduce
from typing import Any

import polars as pl

from etl.parse._uuid import UUID_PATTERN
from schemas import Table
from schemas._kinds import BOOL, DATE, INT, JSON_TEXT, MONEY, QUANTITY, RATE, TEXT, TEXT_LIST, TIMESTAMP, UUID

__all__ = ["DOC", "cast_to_contract", "string_frame", "with_repair"]

DOC = "doc"  # the batch ordinal of the document a row belongs to
_DECIMAL = pl.Decimal(18, 6)


def string_frame(
    table: Table, fields: Sequence[str], rows: Sequence[Sequence[Any]], python_typed: Iterable[str] = ()
) -> pl.DataFrame:
    """Rows of values as written (str or None) into a frame, column-wise in one go.

    `doc` and the position columns in `python_typed` hold ints (or lists/bools, by their kind); every other
    column is text until `cast_to_contract` types it.
    """
    typed = {DOC, *python_typed}
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
    series = []
    for name, values in zip(fields, columns, strict=True):
        if name in typed:
            dtype = pl.Int64() if name == DOC else table.column(name).kind.polars
        else:
            dtype = pl.String()
        series.append(pl.Series(name, values, dtype=dtype))
    return pl.DataFrame(series)


def _converted(kind_name: str, column: pl.Expr) -> pl.Expr | None:
    if kind_name in (MONEY.name, QUANTITY.name, RATE.name):
        return column.str.strip_chars().cast(_DECIMAL, strict=False)
    if kind_name == TIMESTAMP.name:
        # SAT writes local time with no zone; some producers add fractions or an offset: keep the wall clock.
        return column.str.strip_chars().str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False)
    if kind_name == DATE.name:
        return column.str.strip_chars().str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if kind_name == INT.name:
        return column.str.strip_chars().cast(pl.Int64, strict=False)
    if kind_name == UUID.name:
        lowered = column.str.strip_chars().str.to_lowercase()
        return pl.when(lowered.str.contains(UUID_PATTERN)).then(lowered)
    if kind_name in (TEXT.name, JSON_TEXT.name, TEXT_LIST.name, BOOL.name):
        return None
    raise AssertionError(f"no conversion from text for kind {kind_name}")


def cast_to_contract(table: Table, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Type every text column of `frame` (named after `table`'s columns, plus `doc`) by its kind.

    Returns the typed frame (still with `doc`, columns in the frame's order) and, for each document with a
    value that would not convert, `(doc, reason)` naming the table, column and value.
    """
    conversions: dict[str, pl.Expr] = {}
    for name, dtype in frame.schema.items():
        if name == DOC or dtype != pl.String():
            continue
        converted = _converted(table.column(name).kind.name, pl.col(name))
        if converted is not None:
            conversions[name] = converted
    if not conversions:
        return frame, []
    typed = frame.with_columns(**conversions)
    # a value that did not convert became null: only columns whose null count grew need looking at
    grew = [name for name in conversions if typed[name].null_count() != frame[name].null_count()]
    if not grew:
        return typed, []
    failed = reduce(operator.or_, [frame[name].is_not_null() & typed[name].is_null() for name in grew])
    problems: list[tuple[int, str]] = []
    seen: set[int] = set()
    bad_rows = frame.filter(failed)
    bad_typed = typed.filter(failed)
    for index in range(bad_rows.height):
        doc = bad_rows[DOC][index]
        if doc in seen:
            continue
        seen.add(doc)
        for name in grew:
            written = bad_rows[name][index]
            if written is not None and bad_typed[name][index] is None:
                kind = table.column(name).kind.name
                problems.append((doc, f"{table.name}.{name}: {written!r} is not a valid {kind}"))
                break
    return typed, problems


def with_repair(header: pl.DataFrame, docs: list[pl.Series], repair: str) -> pl.DataFrame:
    """A header frame (with `doc` and `reparaciones`) with `repair` added to the documents `docs`
    (ordinals, repeats allowed), once each, also where the document's parser recorded it already."""
    if all(part.is_empty() for part in docs):
        return header
    flagged = pl.col(DOC).is_in(pl.concat(docs).implode()) & ~pl.col("reparaciones").list.contains(repair)
    return header.with_columns(
        pl.when(flagged)
        .then(pl.col("reparaciones").list.concat(pl.lit([repair])))
        .otherwise(pl.col("reparaciones"))
        .alias("reparaciones")
    )
