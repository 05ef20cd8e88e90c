"""Columns the warehouse adds to every partitioned table: where a row belongs and where it came from."""

from __future__ import annotations

from schemas._contract import Column
from schemas._kinds import DATE, TEXT, TIMESTAMP

__all__ = ["DIRECTIONS", "LINEAGE_COLUMNS", "PARTITION_COLUMNS"]

# SAT's own words for the two sides of a document, as the users know them.
DIRECTIONS = ("emitidos", "recibidos")

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
