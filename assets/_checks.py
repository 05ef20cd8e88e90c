"""Asset checks that fail loudly, each saying what is wrong in the user's terms and where to look."""

import warnings

import dagster as dg
from dagster import AssetCheckExecutionContext

from assets._assets import documents_parsed
from assets._partitions import PARTITIONS, partition_of
from assets._resources import SyncResource
from etl.acquire import Ledger, LedgerEntry
from etl.quality import count_mismatches, duplicate_uuids, missing_xml, unbalanced_documents
from etl.staging import Stage
from pipeline import read_stage

# Checks per partition are a Dagster preview feature, chosen knowingly: a check must judge one RFC's month.
warnings.filterwarnings("ignore", category=dg.PreviewWarning, message="Specifying a partitions_def")

__all__ = ["CHECKS"]

_SHOWN = 20  # UUIDs listed in a check's metadata; the rest are counted


def _stage(sync: SyncResource, key: str) -> tuple[str, Stage]:
    partition = partition_of(key)
    return str(partition), read_stage(sync.settings(), partition)


def _leaves(sync: SyncResource, key: str) -> list[LedgerEntry]:
    partition = partition_of(key)
    with Ledger(sync.paths.ledger) as ledger:
        return ledger.partition_leaves(partition.rfc, partition.month)


@dg.asset_check(asset=documents_parsed, partitions_def=PARTITIONS, blocking=True)
def metadata_count_matches_sat(
    context: AssetCheckExecutionContext, sync: SyncResource
) -> dg.AssetCheckResult:
    """Every finished metadata request's packages hold exactly the NumeroCFDIs SAT reported."""
    where, stage = _stage(sync, context.partition_key)
    mismatches = count_mismatches(stage, _leaves(sync, context.partition_key))
    return dg.AssetCheckResult(
        passed=not mismatches,
        description=f"{where}: "
        + ("every metadata count matches SAT" if not mismatches else "; ".join(map(str, mismatches))),
        metadata={"mismatches": len(mismatches)},
    )


@dg.asset_check(asset=documents_parsed, partitions_def=PARTITIONS)
def vigente_metadata_has_its_xml(
    context: AssetCheckExecutionContext, sync: SyncResource
) -> dg.AssetCheckResult:
    """Each vigente UUID in the metadata of a side whose XML was asked for arrived as XML (or a reject)."""
    where, stage = _stage(sync, context.partition_key)
    missing = missing_xml(stage, _leaves(sync, context.partition_key))
    total = sum(len(v) for v in missing.values())
    return dg.AssetCheckResult(
        passed=total == 0,
        description=f"{where}: {total:,} vigente document(s) listed in metadata have no XML"
        if total
        else f"{where}: every vigente document in metadata has its XML",
        metadata={
            "missing": total,
            **{
                f"missing_{d}": ", ".join(u[:_SHOWN]) + (" …" if len(u) > _SHOWN else "")
                for d, u in missing.items()
            },
        },
    )


@dg.asset_check(asset=documents_parsed, partitions_def=PARTITIONS)
def totals_reconcile(context: AssetCheckExecutionContext, sync: SyncResource) -> dg.AssetCheckResult:
    """Ingreso and egreso totals equal subtotal − discount + taxes, and lines add up to the subtotal."""
    where, stage = _stage(sync, context.partition_key)
    off = unbalanced_documents(stage)
    uuids = off["uuid"].to_list() if off.height else []
    return dg.AssetCheckResult(
        passed=off.height == 0,
        description=f"{where}: {off.height:,} document(s) do not add up"
        if off.height
        else f"{where}: totals add up",
        metadata={"unbalanced": off.height, "uuids": ", ".join(uuids[:_SHOWN])},
    )


@dg.asset_check(asset=documents_parsed, partitions_def=PARTITIONS)
def rejects_counted(context: AssetCheckExecutionContext, sync: SyncResource) -> dg.AssetCheckResult:
    """Rejected records and documents are counted and shown (a warning when there are any)."""
    where, stage = _stage(sync, context.partition_key)
    per_dataset: dict[str, int] = {}
    for package in stage.packages:
        per_dataset[package.dataset] = per_dataset.get(package.dataset, 0) + package.rejected
    total = sum(per_dataset.values())
    return dg.AssetCheckResult(
        passed=total == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{where}: {total:,} rejected (see tables metadata_rechazos and documentos_rechazados)",
        metadata={f"rejected_{name}": count for name, count in sorted(per_dataset.items())},
    )


@dg.asset_check(asset=documents_parsed, partitions_def=PARTITIONS)
def no_duplicate_uuid(context: AssetCheckExecutionContext, sync: SyncResource) -> dg.AssetCheckResult:
    """No UUID arrives twice in a partition (per side and table); the loader keeps one row of each."""
    where, stage = _stage(sync, context.partition_key)
    found = duplicate_uuids(stage)
    total = sum(len(v) for v in found.values())
    return dg.AssetCheckResult(
        passed=total == 0,
        description=f"{where}: {total:,} UUID(s) arrived more than once; the warehouse keeps one row of each"
        if total
        else f"{where}: every UUID arrived once",
        metadata={
            "duplicated": total,
            **{
                k.replace(" ", "_"): ", ".join(v[:_SHOWN]) + (" …" if len(v) > _SHOWN else "")
                for k, v in found.items()
            },
        },
    )


CHECKS = (
    metadata_count_matches_sat,
    vigente_metadata_has_its_xml,
    no_duplicate_uuid,
    totals_reconcile,
    rejects_counted,
)
