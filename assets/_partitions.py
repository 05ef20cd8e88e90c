"""Partitions: a dynamic `rfc` dimension (validated before adding) × `month` (current month included)."""

from __future__ import annotations

from datetime import date

import dagster as dg

from etl.sat import check_rfc, mexico_now

__all__ = ["MONTHS", "PARTITIONS", "RFCS", "add_rfc", "month_of", "partition_key", "split_key"]

RFCS = dg.DynamicPartitionsDefinition(name="rfc")


def _first_month() -> str:
    # SAT serves six years back; older months could never be asked for.
    today = mexico_now().date()
    return f"{today.year - 6}-{today.month + 1:02d}-01" if today.month < 12 else f"{today.year - 5}-01-01"


MONTHS = dg.MonthlyPartitionsDefinition(start_date=_first_month(), end_offset=1)
PARTITIONS = dg.MultiPartitionsDefinition({"month": MONTHS, "rfc": RFCS})


def add_rfc(instance: dg.DagsterInstance, rfc: str) -> str:
    """Add an RFC's partition after checking it is an RFC (raises `QueryParametersError` otherwise)."""
    checked = check_rfc(rfc, "The RFC")
    if not instance.has_dynamic_partition(RFCS.name or "rfc", checked):
        instance.add_dynamic_partitions(RFCS.name or "rfc", [checked])
    return checked


def split_key(key: str | dg.MultiPartitionKey) -> tuple[str, date]:
    """`(rfc, first day of month)` from a partition key."""
    dimensions = (
        key.keys_by_dimension if isinstance(key, dg.MultiPartitionKey) else _parse(key).keys_by_dimension
    )
    return dimensions["rfc"], date.fromisoformat(dimensions["month"])


def month_of(key: str) -> date:
    return split_key(key)[1]


def partition_key(rfc: str, month: date) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"rfc": rfc, "month": month.replace(day=1).isoformat()})


def _parse(key: str) -> dg.MultiPartitionKey:
    return PARTITIONS.get_partition_key_from_str(key)
