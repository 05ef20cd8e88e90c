"""The logical types every table is made of. Money is exact: DECIMAL(18,6) holds SAT's six decimals."""

from __future__ import annotations

import polars as pl

from schemas._contract import Kind

__all__ = [
    "BOOL",
    "DATE",
    "INT",
    "JSON_TEXT",
    "MONEY",
    "QUANTITY",
    "RATE",
    "TEXT",
    "TEXT_LIST",
    "TIMESTAMP",
    "UUID",
]

# UUIDs travel through Polars as canonical lower-case text and land in DuckDB's UUID type.
UUID = Kind("uuid", pl.String(), "UUID")
TEXT = Kind("text", pl.String(), "VARCHAR")
TEXT_LIST = Kind("text list", pl.List(pl.String()), "VARCHAR[]")
JSON_TEXT = Kind("json", pl.String(), "JSON")
MONEY = Kind("money", pl.Decimal(18, 6), "DECIMAL(18,6)")
QUANTITY = Kind("quantity", pl.Decimal(18, 6), "DECIMAL(18,6)")
RATE = Kind("rate", pl.Decimal(18, 6), "DECIMAL(18,6)")
# SAT's timestamps are Mexico local wall-clock with no zone; they stay naive.
TIMESTAMP = Kind("timestamp", pl.Datetime("us"), "TIMESTAMP")
DATE = Kind("date", pl.Date(), "DATE")
INT = Kind("integer", pl.Int64(), "BIGINT")
BOOL = Kind("boolean", pl.Boolean(), "BOOLEAN")
