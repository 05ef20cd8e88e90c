"""Where a row belongs: the partition value (RFC, month, side) with the one RFC rule, and the columns the
warehouse adds to every partitioned table.

`Partition` travels from the Dagster key through the pipeline to the warehouse; it lives here, in the lowest
layer, so every layer can take it instead of a loose `(rfc, month)` pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import polars as pl

from schemas._contract import Column
from schemas._kinds import DATE, TEXT, TIMESTAMP

__all__ = [
    "DIRECTIONS",
    "LINEAGE_COLUMNS",
    "PARTITION_COLUMNS",
    "REJECTS_PARTITION",
    "Direction",
    "Partition",
    "PartitionError",
    "check_rfc",
    "month_of_issue",
]

# An RFC as SAT writes it: 3 (company) or 4 (person) letters, a date YYMMDD and a 3-character homoclave.
_RFC = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")


class Direction(StrEnum):
    """The two sides of a document for a taxpayer, in SAT's own words: issued by it or received by it."""

    ISSUED = "emitidos"
    RECEIVED = "recibidos"

    @classmethod
    def of(cls, value: object) -> Direction:
        """The direction SAT's word names, or a `PartitionError` listing the two."""
        if value not in DIRECTIONS:
            raise PartitionError(f"direction must be one of {', '.join(DIRECTIONS)}; got {value!r}")
        return cls(value)


DIRECTIONS = tuple(d.value for d in Direction)


class PartitionError(ValueError):
    """An RFC, month or direction that cannot name a partition; the message says what a right one is."""


def _not_an_rfc(value: object, what: str) -> PartitionError:
    return PartitionError(
        f"{what} {value!r} is not an RFC: an RFC is 3 (company) or 4 (person) upper-case letters (Ñ and & "
        "included), a date YYMMDD and a 3-character homoclave, e.g. EKU9003173C9."
    )


def check_rfc(value: str, what: str = "The RFC") -> str:
    """The RFC a person typed, stripped and in upper case, or a `PartitionError` naming `what` was wrong."""
    rfc = value.strip().upper() if isinstance(value, str) else value
    if not isinstance(rfc, str) or not _RFC.fullmatch(rfc):
        raise _not_an_rfc(value, what)
    return rfc


def month_of_issue(column: str) -> pl.Expr:
    """The month a document belongs to: the first day of the month of its date of issue (`column`)."""
    return pl.col(column).dt.truncate("1mo").cast(pl.Date)


@dataclass(frozen=True, slots=True)
class Partition:
    """One RFC's month (`direction` None: both sides, as the pipeline and Dagster see it), or one side of
    it (as the warehouse stores it).

    Built from canonical values only (an upper-case RFC, the first day of a month); `Partition.of` accepts
    what a person types. Bad values raise `PartitionError`.
    """

    rfc: str
    month: date
    direction: Direction | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.rfc, str) or not _RFC.fullmatch(self.rfc):
            raise _not_an_rfc(self.rfc, "The RFC")
        if isinstance(self.month, datetime) or not isinstance(self.month, date) or self.month.day != 1:
            raise PartitionError(
                f"month must be the first day of a month as a date, e.g. date(2024, 1, 1); got {self.month!r}"
            )
        if self.direction is not None:  # SAT's word given untyped becomes the enum
            object.__setattr__(self, "direction", Direction.of(self.direction))

    @classmethod
    def of(cls, rfc: str, month: date, direction: Direction | str | None = None) -> Partition:
        """From what a person gives: any case and spacing of the RFC, any day of the month."""
        day = month.date() if isinstance(month, datetime) else month
        return cls(check_rfc(rfc), day.replace(day=1), None if direction is None else Direction.of(direction))

    @property
    def side(self) -> Direction:
        """The direction of a one-sided partition (a warehouse partition needs one)."""
        if self.direction is None:
            raise PartitionError(f"{self} names both sides; say emitidos or recibidos")
        return self.direction

    def with_side(self, direction: Direction) -> Partition:
        return Partition(self.rfc, self.month, direction)

    def issued_here(self, column: str) -> pl.Expr:
        """True for the rows this partition's month holds by their date of issue (`column`): from 00:00:00
        of its first day up to, not including, 00:00:00 of the next month's (and rows without one, which no
        other month could take).

        SAT's period for a month ends at 23:59:59 of its last day, but a successor's one second later, at
        00:00:00 of the next month: a document issued at that instant belongs to the next month only.
        """
        return pl.col(column).is_null() | (month_of_issue(column) == self.month)

    def whole_month(self) -> Partition:
        """Both sides of this partition's month."""
        return Partition(self.rfc, self.month)

    def __str__(self) -> str:
        side = "" if self.direction is None else f" {self.direction.value}"
        return f"{self.rfc} {self.month:%Y-%m}{side}"


# Where `cfdi-etl load-files` keeps every document, line or file it refuses. Many have no date that can be
# trusted and belong to none of the loaded RFCs, so they live in one fixed partition that depends on
# nothing but the reject itself: an RFC no taxpayer can have (its date 00-00-00 does not exist) and a
# month no CFDI or Retenciones carries (CFD began in 2004). Readers leave it out of what was loaded (the
# views' macro `es_rfc_de_rechazos`).
REJECTS_PARTITION = Partition("XXXX000000XXX", date(1970, 1, 1), Direction.RECEIVED)

PARTITION_COLUMNS = (
    Column("rfc", TEXT, "RFC of the loaded taxpayer this row belongs to", nullable=False),
    Column("month", DATE, "first day of the month of the partition (by emission date)", nullable=False),
    Column("direction", TEXT, "'emitidos' (issued by rfc) or 'recibidos' (received by rfc)", nullable=False),
)

LINEAGE_COLUMNS = (
    Column("load_id", TEXT, "the load that wrote this row (see table loads)", nullable=False),
    Column("source_package", TEXT, "package id, zip or file the row was read from"),
    Column("source_sha256", TEXT, "sha256 of that package or file"),
    Column("loaded_at", TIMESTAMP, "when the load that wrote this row committed (UTC)"),
)
