"""SAT's status service in Dagster: one asset per RFC that asks about its documents whose state can still
change, and a check naming the documents whose metadata and live status disagree."""

import warnings
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster import AssetCheckExecutionContext, AssetExecutionContext

from assets._assets import warehouse_tables
from assets._partitions import RFCS
from assets._resources import SyncResource
from assets.status_checks import check_statuses
from etl.sat import mexico_now
from etl.status import StatusSettings
from warehouse import Warehouse, WarehouseError, published_path, status_disagreements

__all__ = [
    "STATUS_ASSETS",
    "STATUS_CHECKS",
    "STATUS_JOBS",
    "STATUS_SCHEDULES",
    "daily_status_checks",
    "metadata_and_live_status_agree",
    "sat_status",
    "status_job",
    "status_settings",
]

# Chosen knowingly: the status of an RFC follows the loads of all its months (a beta mapping), and its
# check judges one RFC (checks per partition are a preview feature, as in assets/_checks.py).
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*MultiToSingleDimensionPartitionMapping")
warnings.filterwarnings("ignore", category=dg.PreviewWarning, message="Specifying a partitions_def")

_SHOWN = 20  # UUIDs listed in the check's metadata; the rest are counted


def status_settings(sync: SyncResource) -> StatusSettings:
    """The resource's status settings (CFDI_ETL_STATUS_*); the service follows the resource's SAT base URL
    (the sandbox's B/consulta in the demo) unless its `status_base_url` names one."""
    return sync.settings().status_service


@dg.asset(
    partitions_def=RFCS,
    group_name="sat_status",
    deps=[
        dg.AssetDep(
            warehouse_tables,
            partition_mapping=dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="rfc"),
        )
    ],
    kinds={"duckdb"},
)
def sat_status(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """The live status (ConsultaCFDIService) of the RFC's CFDI of the last CFDI_ETL_STATUS_MONTHS months
    not known cancelled, each answer in estatus_historial; the warehouse is published after."""
    rfc = context.partition_key
    settings = status_settings(sync)
    with settings.client() as client:
        report = check_statuses(
            Path(sync.warehouse),
            client,
            rfcs=[rfc],
            window_months=settings.months,
            lock_wait=sync.warehouse_lock_wait_seconds,
        )
    summary = report.summary(rfc)
    context.log.info(summary.line())
    return dg.MaterializeResult(
        metadata={
            "checked": summary.checked,
            "changed": summary.changed,
            "errors": len(summary.errors),
            "already_cancelled": summary.already_cancelled,
            "changes": dg.MetadataValue.json(dict(summary.changes)),
            "check_id": report.check_id,
        }
    )


@dg.asset_check(asset=sat_status, partitions_def=RFCS)
def metadata_and_live_status_agree(
    context: AssetCheckExecutionContext, sync: SyncResource
) -> dg.AssetCheckResult:
    """Every document SAT's status service was asked about says what the RFC's metadata says
    (estatus_en_desacuerdo); a late cancellation shows here until the month's metadata is asked again."""
    rfc = context.partition_key
    try:
        with Warehouse.open(published_path(Path(sync.warehouse)), read_only=True) as warehouse:
            rows = status_disagreements(warehouse, rfc)
    except WarehouseError as error:
        unreadable = f"{rfc}: the published warehouse cannot be read: {error}"
        return dg.AssetCheckResult(passed=False, description=unreadable)
    kinds: dict[str, int] = {}
    for row in rows.iter_rows(named=True):
        key = f"metadata {row['estatus_metadata']}, SAT {row['estatus_consulta']}"
        kinds[key] = kinds.get(key, 0) + 1
    found = "; ".join(f"{kind}: {n:,}" for kind, n in sorted(kinds.items()))
    return dg.AssetCheckResult(
        passed=rows.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{rfc}: "
        + (f"{rows.height:,} document(s) disagree: {found}" if found else "metadata and the service agree"),
        metadata={
            "disagreeing": rows.height,
            "by_kind": dg.MetadataValue.json(kinds),
            "uuids": dg.MetadataValue.json(rows["uuid"].head(_SHOWN).to_list()),
        },
    )


status_job = dg.define_asset_job(
    "sat_status_checks",
    selection=dg.AssetSelection.assets(sat_status),
    description="One RFC's documents whose state can still change, asked of SAT's status service.",
)


@dg.schedule(cron_schedule="30 8 * * *", job=status_job, execution_timezone="America/Mexico_City")
def daily_status_checks(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
    """Every RFC once a day, after the morning's loads (`daily_incremental` runs at 06:30)."""
    today = mexico_now().date().isoformat()
    for rfc in context.instance.get_dynamic_partitions(RFCS.name or "rfc"):
        yield dg.RunRequest(run_key=f"status-{rfc}@{today}", partition_key=rfc)


STATUS_ASSETS = (sat_status,)
STATUS_CHECKS = (metadata_and_live_status_agree,)
STATUS_JOBS = (status_job,)
STATUS_SCHEDULES = (daily_status_checks,)
