"""The daily schedule (recent months: cancellations arrive late) and the sensor for SAT's long waits."""

from collections.abc import Iterator
from datetime import date

import dagster as dg

from assets._assets import PIPELINE, REFRESH_METADATA_TAG, sat_packages_ready
from assets._dead_runs import fail_dead_runs
from assets._partitions import RFCS, partition_key
from assets._resources import SyncResource
from etl.acquire import LeaseHeldError
from etl.sat import mexico_now
from pipeline import poll, waiting_partitions
from schemas import Partition

__all__ = ["daily_incremental", "partition_job", "sat_pending_requests"]

partition_job = dg.define_asset_job(
    "cfdi_partition",
    selection=dg.AssetSelection.assets(*PIPELINE),
    description="One RFC × month end to end: request, poll, download, parse, load, publish.",
)
after_sat_job = dg.define_asset_job(
    "cfdi_after_sat",
    selection=dg.AssetSelection.assets(sat_packages_ready).downstream() & dg.AssetSelection.assets(*PIPELINE),
    description="The steps after SAT finished a request the sensor was waiting for.",
)


def _recent_months(today: date, previous: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _ in range(previous + 1):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


@dg.schedule(cron_schedule="30 6 * * *", job=partition_job, execution_timezone="America/Mexico_City")
def daily_incremental(context: dg.ScheduleEvaluationContext, sync: SyncResource) -> Iterator[dg.RunRequest]:
    """Every RFC, the current month and `recent_months` (`CFDI_ETL_RECENT_MONTHS`, default 2) before it.

    The current month is asked up to yesterday, so each day's request is new; for earlier months the
    metadata is asked anew (cancellations arrive late) and the XML comes from the ledger and the store.
    """
    today = mexico_now().date()
    for rfc in context.instance.get_dynamic_partitions(RFCS.name or "rfc"):
        for month in _recent_months(today, sync.recent_months):
            key = partition_key(Partition(rfc, month))
            closed = month < today.replace(day=1)
            yield dg.RunRequest(
                run_key=f"{key}@{today.isoformat()}",
                partition_key=key,
                tags={REFRESH_METADATA_TAG: "1"} if closed else {},
            )


@dg.sensor(job=after_sat_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.RUNNING)
def sat_pending_requests(
    context: dg.SensorEvaluationContext, sync: SyncResource
) -> Iterator[dg.RunRequest | dg.SkipReason]:
    """Polls SAT for requests still in process; when all of a partition's are done, starts its next steps.

    Each tick also fails runs whose process died, so none holds a pool slot or its RFC.
    """
    fail_dead_runs(context.instance, context.log.info)
    settings = sync.settings()
    partitions = waiting_partitions(settings)
    if not partitions:
        yield dg.SkipReason("no request is waiting for SAT")
        return
    for partition in partitions:
        try:
            with sync.one_run_per_rfc(partition.rfc, context.log.info, wait=0):
                polled = poll(settings, partition, wait_seconds=0, log=context.log.info)
        except LeaseHeldError as held:  # that run polls SAT itself; look again next time
            context.log.info(str(held))
            continue
        if not polled.pending:
            key = partition_key(partition)
            yield dg.RunRequest(run_key=f"{key}@{polled.last_answer}", partition_key=key)
