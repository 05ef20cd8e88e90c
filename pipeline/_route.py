"""Which partition each document belongs to: the RFC that issued or received it, and its month.

One rule for every document that does not arrive through SAT's request of a partition (files a user
has): for each RFC of interest, a document it issued is filed under `emitidos`, one it received under
`recibidos` (both, for a document it sent itself), in the month of its date of issue.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from schemas import Direction, Partition, month_of_issue

__all__ = ["ROUTE_COLUMNS", "route", "split_by_partition"]

# Who plays each side of a document, by the column that names them.
_SIDES = ((Direction.ISSUED, "rfc_emisor"), (Direction.RECEIVED, "rfc_receptor"))
ROUTE_COLUMNS = ("uuid", "rfc", "month", "direction")


def route(frame: pl.DataFrame, rfcs: Collection[str], date_column: str) -> pl.DataFrame:
    """`uuid, rfc, month, direction` for every partition of `rfcs` a document of `frame` belongs to.

    `frame` has `uuid`, `rfc_emisor`, `rfc_receptor` and the date column; a document none of `rfcs`
    issued or received has no row.
    """
    month = month_of_issue(date_column).alias("month")
    routed = [
        frame.filter(pl.col(column) == rfc).select(
            "uuid", pl.lit(rfc).alias("rfc"), month, pl.lit(direction.value).alias("direction")
        )
        for rfc in sorted(rfcs)
        for direction, column in _SIDES
    ]
    schema = {"uuid": pl.String, "rfc": pl.String, "month": pl.Date, "direction": pl.String}
    return pl.concat(routed).unique() if routed else pl.DataFrame(schema=schema)


def split_by_partition(
    frames: dict[str, pl.DataFrame], routed: pl.DataFrame, keep: Collection[str] = ()
) -> dict[Partition, dict[str, pl.DataFrame]]:
    """Each frame's rows sent to the partitions `route` gave their UUID; tables in `keep` are left out."""
    split: dict[Partition, dict[str, pl.DataFrame]] = {}
    targets = routed.select("rfc", "month", "direction").unique().sort(["rfc", "month", "direction"])
    for name, frame in frames.items():
        if name in keep:
            continue
        placed = frame.join(routed, on="uuid", how="inner")
        for rfc, month, direction in targets.iter_rows():
            here = (pl.col("rfc") == rfc) & (pl.col("month") == month) & (pl.col("direction") == direction)
            partition = Partition(rfc, month, Direction.of(direction))
            split.setdefault(partition, {})[name] = placed.filter(here).select(frame.columns)
    return split
