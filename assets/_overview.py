"""The status overview: per RFC and month, what is loaded, what waits at SAT, the checks, the e.firma.

Composed from where each fact is recorded: the warehouse's `loads` table (published copy when there is one),
the request ledger, the Dagster instance's asset-check results, and the registry's certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg

from assets._partitions import partition_key
from assets._resources import SyncResource
from etl.acquire import Ledger, LedgerEntry, RequestState, list_requests
from etl.registry import FielLocation, RfcRegistry
from etl.sat import FielError, check_certificate
from schemas import Partition
from warehouse import Warehouse, partition_loads, published_path

__all__ = [
    "FielStatus",
    "MonthStatus",
    "RfcStatus",
    "current_requests",
    "fiel_status",
    "overview",
    "readable_warehouse",
    "waiting_metadata",
]

# A planned request (a successor of one SAT will not serve, or one never sent) is not at SAT yet: it is
# counted with those to ask again, since the month is not loaded until a run sends it.
_WAITING = (RequestState.SUBMITTED,)


@dataclass(slots=True)
class MonthStatus:
    month: date
    rows: int = 0
    rejects: int = 0
    last_load: datetime | None = None
    failed_loads: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    waiting_at_sat: int = 0
    waiting_since: datetime | None = None  # the oldest request SAT has not finished (UTC)
    unusable_requests: int = 0  # failed or exhausted: the month is not loaded until they are asked again


@dataclass(frozen=True, slots=True)
class FielStatus:
    expires: datetime | None
    problem: str | None  # why the certificate cannot be used (expired, missing, a CSD), in words


@dataclass(slots=True)
class RfcStatus:
    rfc: str
    fiel: FielStatus | None  # None: not registered (documents loaded from files only)
    months: list[MonthStatus]


def fiel_status(location: FielLocation) -> FielStatus:
    try:
        facts = check_certificate(location.cer_path, validity=False)
    except FielError as error:
        return FielStatus(None, str(error))
    if facts.not_after < datetime.now(UTC):
        return FielStatus(facts.not_after, f"expired on {facts.not_after:%Y-%m-%d}")
    return FielStatus(facts.not_after, None)


def readable_warehouse(sync: SyncResource) -> Path | None:
    """The published copy when there is one (never waits on a load), else the warehouse, else None."""
    path = Path(sync.warehouse)
    for candidate in (published_path(path), path):
        if candidate.exists():
            return candidate
    return None


def current_requests(
    sync: SyncResource, rfc: str | None = None, month: date | None = None
) -> list[LedgerEntry]:
    """The requests that carry each partition's data now (superseded and split requests left out)."""
    if not sync.paths.ledger.exists():
        return []
    partitions = {(r.entry.spec.rfc, r.entry.spec.month) for r in list_requests(sync.paths.ledger)}
    with Ledger(sync.paths.ledger) as ledger:
        return [
            leaf
            for r, m in sorted(partitions)
            if (rfc is None or r == rfc) and (month is None or m == month)
            for leaf in ledger.partition_leaves(r, m)
        ]


def waiting_metadata(sync: SyncResource, rfc: str, month: date) -> dict[str, dg.MetadataValue]:
    """What waits at SAT for the partition and when the RFC's e.firma expires, as asset metadata."""
    waiting = [e for e in current_requests(sync, rfc, month) if e.state in _WAITING]
    since = min((e.submitted_at or e.created_at for e in waiting), default=None)
    metadata: dict[str, dg.MetadataValue] = {
        "waiting_at_sat": dg.MetadataValue.int(len(waiting)),
        "waiting_since_utc": dg.MetadataValue.text(f"{since:%Y-%m-%d %H:%M}" if since else "nothing waits"),
    }
    try:
        with RfcRegistry(sync.paths.ledger) as registry:
            fiel = fiel_status(registry.get(rfc))
    except LookupError:
        return metadata
    expires = f"{fiel.expires:%Y-%m-%d}" if fiel.expires else ""
    metadata["efirma_expires"] = dg.MetadataValue.text(fiel.problem or expires)
    return metadata


def _checks(instance: dg.DagsterInstance, keys: list[str]) -> dict[str, tuple[int, list[str]]]:
    """Per partition key, how many checks last passed and the names of those that last failed."""
    from assets._checks import CHECKS

    check_keys = [key for check in CHECKS for key in check.check_keys]
    results: dict[str, tuple[int, list[str]]] = {}
    if not keys:
        return results
    infos = instance.event_log_storage.get_asset_check_partition_info(check_keys, partition_keys=keys)
    for info in infos:
        if info.partition_key is None:
            continue
        passed, failed = results.get(info.partition_key, (0, []))
        status = info.latest_execution_status.value
        if status == "SUCCEEDED":
            passed += 1
        elif status == "FAILED":
            failed = [*failed, info.check_key.name]
        results[info.partition_key] = (passed, failed)
    return results


def overview(
    sync: SyncResource, instance: dg.DagsterInstance | None, rfc: str | None = None
) -> list[RfcStatus]:
    rfc = rfc.upper() if rfc else None
    months: dict[tuple[str, date], MonthStatus] = {}

    def month(r: str, m: date) -> MonthStatus:
        return months.setdefault((r, m), MonthStatus(m))

    source = readable_warehouse(sync)
    if source is not None:
        with Warehouse.open(source, read_only=True) as warehouse:  # WarehouseError says what is wrong
            loads = partition_loads(warehouse, rfc)
        for row in loads.iter_rows(named=True):
            status = month(row["rfc"], row["month"])
            status.rows, status.rejects = int(row["rows"]), int(row["rejects"])
            status.last_load, status.failed_loads = row["last_load"], int(row["failed_loads"])
    for entry in current_requests(sync, rfc):
        status = month(entry.spec.rfc, entry.spec.month)
        if entry.state in (RequestState.FINISHED, RequestState.EMPTY):
            continue
        if entry.state in _WAITING:
            status.waiting_at_sat += 1
            since = entry.submitted_at or entry.created_at
            status.waiting_since = min(since, status.waiting_since or since)
        else:
            status.unusable_requests += 1
    if instance is not None:
        keys = {str(partition_key(Partition(r, m))): (r, m) for r, m in months}
        for key, (passed, failed) in _checks(instance, list(keys)).items():
            status = months[keys[key]]
            status.checks_passed, status.checks_failed = passed, failed
    registered: dict[str, FielLocation] = {}
    if sync.paths.ledger.exists():
        with RfcRegistry(sync.paths.ledger) as registry:
            registered = {loc.rfc: loc for loc in registry.all() if rfc is None or loc.rfc == rfc}
    rfcs = sorted(set(registered) | {r for r, _ in months})
    return [
        RfcStatus(
            r,
            fiel_status(registered[r]) if r in registered else None,
            sorted((s for (owner, _), s in months.items() if owner == r), key=lambda s: s.month),
        )
        for r in rfcs
    ]
