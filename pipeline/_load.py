"""Step 5: the partition's staged frames into the warehouse, one transaction per side and dataset."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from etl.staging import Stage, stage_root
from pipeline._log import Log, quiet
from pipeline._settings import Settings
from schemas import Direction, Partition
from warehouse import LoadReport, Warehouse

__all__ = ["Loaded", "load", "merge_frames", "read_stage"]


@dataclass(frozen=True, slots=True)
class Loaded:
    rows: dict[str, int] = field(default_factory=dict)  # per table, over every side and dataset

    def figures(self) -> dict[str, int | str]:
        return {f"rows_{table}": count for table, count in sorted(self.rows.items())}


def read_stage(settings: Settings, partition: Partition) -> Stage:
    """The partition's staged frames, as the parse step left them."""
    return Stage.read(stage_root(settings.paths.staging, partition))


def load(settings: Settings, partition: Partition, *, log: Log = quiet) -> Loaded:
    """Replace each (side, dataset) of the partition with what its staged packages hold."""
    stage = read_stage(settings, partition)
    rows: dict[str, int] = {}
    with Warehouse.open(settings.warehouse, lock_wait=settings.warehouse_lock_wait_seconds) as warehouse:
        for (direction, dataset), packages in sorted(stage.groups().items()):
            side = partition.with_side(Direction.of(direction))
            with warehouse.load(side.rfc, side.month, side.side, dataset) as batch:
                for package in packages:
                    # Straight from the staged Parquet: DuckDB streams it; frames would hold a package twice.
                    batch.append_parquet(stage.files(package), package.package_id, package.sha256)
            report = batch.report
            assert report is not None
            for table, count in report.rows.items():
                rows[table] = rows.get(table, 0) + count
            log(
                f"loaded {side} {dataset}: {report.total_rows:,} rows, "
                f"{report.rejects:,} rejected, {report.duplicates_dropped:,} duplicates dropped"
            )
    return Loaded(rows)


def merge_frames(
    warehouse: Warehouse,
    partition: Partition,
    dataset: str,
    frames: dict[str, pl.DataFrame],
    origin: tuple[str, str],
) -> LoadReport:
    """Merge frames into one side of a partition: the documents (by UUID) and rejects (by key) they bring
    are replaced, the partition's others kept (for files a user has, rarely a whole partition).

    `origin` is the lineage of the frames: the package or file they were read from, and its sha256.
    """
    with warehouse.load(partition.rfc, partition.month, partition.side, dataset, merge=True) as batch:
        batch.append(frames, *origin)
    assert batch.report is not None
    return batch.report
