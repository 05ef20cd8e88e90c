"""Step 3: every package of the partition, downloaded once and kept by sha256 in the package store."""

from __future__ import annotations

from dataclasses import dataclass

from etl.acquire import RequestState
from pipeline._errors import StepError
from pipeline._log import Log, quiet
from pipeline._sat import sat_session
from pipeline._settings import Settings
from schemas import Partition

__all__ = ["Downloaded", "download"]


@dataclass(frozen=True, slots=True)
class Downloaded:
    packages: int
    bytes: int

    def figures(self) -> dict[str, int | str]:
        return {"packages": self.packages, "bytes": self.bytes}


def download(settings: Settings, partition: Partition, *, log: Log = quiet) -> Downloaded:
    """Packages of the finished requests not yet in the store, from SAT; raises `StepError` if any fails."""
    with sat_session(settings, partition.rfc, log) as steps:
        leaves = steps.ledger.partition_leaves(partition.rfc, partition.month)
        finished = [e for e in leaves if e.state is RequestState.FINISHED]
        packages = [p for entry in finished for p in steps.download(entry)]
        problems = [str(p) for p in steps.problems]
    if problems:
        raise StepError("some packages could not be downloaded:\n" + "\n".join(problems))
    size = sum(p.stored.size for p in packages)
    log(f"{len(packages)} package(s) in the store for {partition} ({size:,} bytes)")
    return Downloaded(len(packages), size)
