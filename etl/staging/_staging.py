"""Parsed frames of a partition, staged as Parquet between the parse step and the load step.

The stage is rebuilt from the package store at will (it holds nothing SAT gave only once); it is written
into a fresh folder and swapped in whole, with its manifest last, so a crash never leaves half a stage.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from etl.acquire import DownloadedPackage
from etl.parse.documents import iter_parsed_batches
from etl.parse.metadata import parse_metadata_package
from etl.parse.packages import EntryKind, iter_entries
from etl.sat import RequestType
from schemas import DOCUMENT_ISSUE_DATES, Partition
from schemas.metadata import METADATA, METADATA_RECHAZOS

__all__ = ["Stage", "StagedPackage", "StagingError", "stage_partition", "stage_root"]

_MANIFEST = "manifest.json"


class StagingError(RuntimeError):
    """A package that could not be read as a whole: its partition is not loaded, nothing else changes."""


@dataclass(frozen=True, slots=True)
class StagedPackage:
    """One package's frames: `batches` maps, per batch, a table name to its Parquet file (stage-relative)."""

    direction: str
    dataset: str  # the warehouse dataset it loads into: "metadata" or "cfdi"
    service: str
    request_key: str
    package_id: str
    sha256: str
    records: int  # metadata records read, or XML documents read
    rejected: int
    batches: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Stage:
    root: Path
    packages: list[StagedPackage]

    def groups(self) -> dict[tuple[str, str], list[StagedPackage]]:
        """Packages by (direction, dataset): each group is one warehouse load."""
        grouped: dict[tuple[str, str], list[StagedPackage]] = {}
        for package in self.packages:
            grouped.setdefault((package.direction, package.dataset), []).append(package)
        return grouped

    def files(self, package: StagedPackage) -> dict[str, list[Path]]:
        """The package's Parquet files per table, every parse batch (one load batch per package)."""
        files: dict[str, list[Path]] = {}
        for batch in package.batches:
            for table, name in batch.items():
                files.setdefault(table, []).append(self.root / name)
        return files

    def frames(self, package: StagedPackage) -> Iterator[dict[str, pl.DataFrame]]:
        """The package's frames per table, its parse batches read together (one load batch per package)."""
        files = self.files(package)
        if files:
            yield {table: pl.read_parquet(paths) for table, paths in files.items()}

    @classmethod
    def read(cls, root: Path) -> Stage:
        manifest = root / _MANIFEST
        if not manifest.is_file():
            raise FileNotFoundError(
                f"no parsed documents staged at {root}: materialize documents_parsed first"
            )
        rows = json.loads(manifest.read_text(encoding="utf-8"))
        return cls(root, [StagedPackage(**row) for row in rows])


def stage_root(staging: Path, partition: Partition) -> Path:
    """Where a partition (both sides of one RFC's month) is staged."""
    return staging / partition.rfc / f"{partition.month:%Y-%m}"


def stage_partition(
    staging: Path,
    partition: Partition,
    packages: list[DownloadedPackage],
    *,
    processes: int = 1,
    batch_size: int = 2_000,
    log: Callable[[str], None] = lambda _: None,
) -> Stage:
    """Parse every package of a partition into a fresh stage, then swap it in."""
    root = stage_root(staging, partition)
    building = root.with_name(root.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    staged: list[StagedPackage] = []
    for number, package in enumerate(packages):
        try:
            staged.append(
                _stage_package(
                    building, number, package, partition, processes=processes, batch_size=batch_size
                )
            )
        except Exception as error:
            shutil.rmtree(building, ignore_errors=True)
            raise StagingError(
                f"package {package.package_id} ({package.entry.spec.describe()}) could not be read: "
                f"{type(error).__name__}: {error}. Nothing of {partition} was loaded, the warehouse "
                f"is unchanged, and the package stays in the store ({package.stored.path})."
            ) from error
    (building / _MANIFEST).write_text(json.dumps([asdict(s) for s in staged]), encoding="utf-8")
    old = root.with_name(root.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        root.rename(old)
    building.rename(root)
    shutil.rmtree(old, ignore_errors=True)
    records = sum(s.records for s in staged)
    rejected = sum(s.rejected for s in staged)
    log(f"parsed {len(staged)} package(s): {records:,} records and documents, {rejected:,} rejected")
    return Stage(root, staged)


def _stage_package(
    folder: Path,
    number: int,
    package: DownloadedPackage,
    partition: Partition,
    *,
    processes: int,
    batch_size: int,
) -> StagedPackage:
    spec = package.entry.spec
    common = {
        "direction": spec.direction.value,
        "service": spec.service.value,
        "request_key": spec.key,
        "package_id": package.package_id,
        "sha256": package.stored.sha256,
    }
    if spec.request_type is RequestType.METADATA:
        result = parse_metadata_package(package.stored.path)
        batch = _write(
            folder,
            f"{number:05d}-0",
            {
                METADATA.name: result.frame.filter(partition.issued_here("fecha_emision")),
                METADATA_RECHAZOS.name: result.rejects,
            },
        )
        return StagedPackage(
            dataset="metadata",
            records=result.record_count,
            rejected=result.rejects.height,
            batches=[batch],
            **common,
        )
    entries = (
        (entry.name, entry.data) for entry in iter_entries(package.stored.path) if entry.kind is EntryKind.XML
    )
    batches: list[dict[str, str]] = []
    documents = rejected = 0
    for index, parsed in enumerate(iter_parsed_batches(entries, batch_size=batch_size, processes=processes)):
        batches.append(_write(folder, f"{number:05d}-{index}", _issued_here(parsed.frames, partition)))
        documents += parsed.documents
        rejected += parsed.rejected
    return StagedPackage(dataset="cfdi", records=documents, rejected=rejected, batches=batches, **common)


def _issued_here(frames: dict[str, pl.DataFrame], partition: Partition) -> dict[str, pl.DataFrame]:
    """The documents the partition's month holds, every table's rows of them; the others are left to their
    own month's request (a successor's or a re-read's period reaches one second into the next month)."""
    elsewhere = [
        frames[header].filter(~partition.issued_here(column))["uuid"]
        for header, column in DOCUMENT_ISSUE_DATES.items()
        if header in frames
    ]
    uuids = pl.concat(elsewhere) if elsewhere else pl.Series("uuid", [], pl.String)
    if uuids.is_empty():
        return frames
    keep = ~pl.col("uuid").is_in(uuids.implode()).fill_null(value=False)
    return {name: frame.filter(keep) if "uuid" in frame.columns else frame for name, frame in frames.items()}


def _write(folder: Path, prefix: str, frames: dict[str, pl.DataFrame]) -> dict[str, str]:
    written: dict[str, str] = {}
    for table, frame in frames.items():
        if frame.height == 0:
            continue
        name = f"{prefix}.{table}.parquet"
        frame.write_parquet(folder / name, compression="lz4", statistics=False)
        written[table] = name
    return written
