"""Step 4: the partition's packages, read from the package store only, parsed into staged frames.

The package list comes from the request ledger (which packages each finished request has) and the zips
from the store: no SAT client, no e.firma, no password. A package the store does not hold yet is an
error naming the download step; this step never asks SAT for it (SAT hands a package out twice at most).
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.acquire import DownloadedPackage, Ledger, PackageStore, RequestState
from etl.staging import stage_partition
from pipeline._errors import StepError
from pipeline._log import Log, quiet
from pipeline._settings import Settings
from schemas import Partition

__all__ = ["Parsed", "parse", "stored_packages"]


@dataclass(frozen=True, slots=True)
class Parsed:
    packages: int
    records: int  # metadata records and XML documents read
    rejected: int

    def figures(self) -> dict[str, int | str]:
        return {"packages": self.packages, "records_and_documents": self.records, "rejected": self.rejected}


def stored_packages(settings: Settings, partition: Partition) -> list[DownloadedPackage]:
    """Every package of the partition's finished requests, as the store holds it.

    Raises `StepError` naming the packages the store does not hold (the download has not run, or failed).
    """
    store = PackageStore(settings.paths.packages)
    found: list[DownloadedPackage] = []
    missing: list[str] = []
    with Ledger(settings.paths.ledger) as ledger:
        leaves = ledger.partition_leaves(partition.rfc, partition.month)
        for entry in (e for e in leaves if e.state is RequestState.FINISHED):
            for record in ledger.packages(entry.key):
                if record.sha256 is not None and store.has(record.sha256):
                    found.append(DownloadedPackage(entry, record.package_id, store.get(record.sha256)))
                else:
                    missing.append(f"{record.package_id} ({entry.spec.describe()})")
    if missing:
        raise StepError(
            f"{len(missing)} package(s) of {partition} are not in the package store yet: "
            + ", ".join(missing)
            + ". Run the download (sat_packages) first; parsing never asks SAT."
        )
    return found


def parse(settings: Settings, partition: Partition, *, log: Log = quiet) -> Parsed:
    """Parse every stored package of the partition into a fresh stage (swapped in whole)."""
    stage = stage_partition(
        settings.paths.staging,
        partition,
        stored_packages(settings, partition),
        processes=settings.parse_processes,
        log=log,
    )
    return Parsed(
        len(stage.packages),
        sum(p.records for p in stage.packages),
        sum(p.rejected for p in stage.packages),
    )
