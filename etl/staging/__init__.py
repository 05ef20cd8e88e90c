"""Staging: a partition's parsed frames as Parquet, between the parse step and the load step."""

from etl.staging._staging import Stage, StagedPackage, StagingError, stage_partition, stage_root

__all__ = ["Stage", "StagedPackage", "StagingError", "stage_partition", "stage_root"]
