"""Partitions: a dynamic `rfc` dimension (validated before adding) × `month` (current month included).

A Dagster key is turned into the one partition value, `schemas.Partition`, here and only here.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from etl.sat import mexico_now
from schemas import Partition, check_rfc

__all__ = ["MONTHS", "PARTITIONS", "RFCS", "add_rfc", "partition_key", "partition_of"]

RFCS = dg.DynamicPartitionsDefinition(name="rfc")


def _first_month() -> str:
    # SAT serves six years back; older months could never be asked for.
    today = mexico_now().date()
    return f"{today.year - 6}-{today.month + 1:02d}-01" if today.month < 12 else f"{today.year - 5}-01-01"


MONTHS = dg.MonthlyPartitionsDefinition(start_date=_first_month(), end_offset=1)
PARTITIONS = dg.MultiPartitionsDefinition({"month": MONTHS, "rfc": RFCS})


def add_rfc(instance: dg.DagsterInstance, rfc: str) -> str:
    """Add an RFC's partition after checking it is an RFC (raises `PartitionError` otherwise)."""
    checked = check_rfc(rfc)
    if not instance.has_dynamic_partition(RFCS.name or "rfc", checked):
        instance.add_dynamic_partitions(RFCS.name or "rfc", [checked])
    return checked


def partition_of(key: str | dg.MultiPartitionKey) -> Partition:
    """The partition (both sides of one RFC's month) a Dagster key names."""
    if not isinstance(key, dg.MultiPartitionKey):
        key = PARTITIONS.get_partition_key_from_str(key)
    dimensions = key.keys_by_dimension
    return Partition(dimensions["rfc"], date.fromisoformat(dimensions["month"]))


def partition_key(partition: Partition) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"rfc": partition.rfc, "month": partition.month.isoformat()})
