"""SAT's published lists in Dagster: one unpartitioned asset (the lists are SAT's, the same for every
RFC) fetched and loaded daily, and a check that fails loudly when the 69-B list's own date is too old.

The resource's `lists_base_url` (`CFDI_ETL_LISTS_BASE_URL`) says where the files are (default SAT's
open-data store; the sandbox's `B/listas/`), its `lists_max_age_days` (`CFDI_ETL_LISTS_MAX_AGE_DAYS`,
default 120: SAT replaces the 69-B files every few months) how old the list's own date may be.
"""

from datetime import date

import dagster as dg
from dagster import AssetExecutionContext

from assets._lists_sync import fetch_and_load, lists_folder
from assets._resources import SyncResource
from etl.sat import mexico_now
from warehouse import Warehouse, current_list_dates

__all__ = ["LISTS_GROUP", "lists_daily", "lists_job", "sat_lists", "sat_lists_fresh", "stale_lists"]

LISTS_GROUP = "sat_lists"


@dg.asset(group_name=LISTS_GROUP, kinds={"duckdb"})
def sat_lists(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """SAT's Art. 69-B and Art. 69 lists: files that changed since the last fetch, loaded and published."""
    url = sync.lists_base_url
    with Warehouse.open(sync.warehouse, lock_wait=sync.warehouse_lock_wait_seconds) as warehouse:
        outcomes = fetch_and_load(warehouse, url, lists_folder(warehouse.path))
        warehouse.publish()
    failed = [f"{o.name}: {o.error}" for o in outcomes if o.error]
    loaded = [o.report for o in outcomes if o.report is not None and not o.report.ya_cargado]
    for report in loaded:
        context.log.info(
            f"{report.source}: {report.family} {report.archivo} of {report.fecha_lista}, "
            f"{report.registros:,} rows, {sum(report.rechazos.values()):,} rejects"
        )
    if failed:
        raise dg.Failure(
            description=f"{len(failed)} list file(s) not loaded from {url}",
            metadata={"files": "\n".join(failed)},
        )
    return dg.MaterializeResult(
        metadata={
            "source": url,
            "files_loaded": len(loaded),
            "rows_loaded": sum(r.registros for r in loaded),
            "rejects": sum(sum(r.rechazos.values()) for r in loaded),
        }
    )


def stale_lists(dates: list[tuple[str, str, date]], today: date, max_age_days: int) -> list[str]:
    """The 69-B situations whose current version's own date is older than `max_age_days` (Art. 69 files
    print no date of their own, so their derived dates are reported, not judged)."""
    return [
        f"{family} {situation}: list of {listed} is {(today - listed).days} days old (limit {max_age_days})"
        for family, situation, listed in dates
        if family == "69-B" and (today - listed).days > max_age_days
    ]


@dg.asset_check(asset=sat_lists, blocking=False)
def sat_lists_fresh(sync: SyncResource) -> dg.AssetCheckResult:
    """The 69-B list in the warehouse is no older (by the date printed in it) than the allowed age."""
    max_age = sync.lists_max_age_days
    with Warehouse.open(sync.warehouse, read_only=True) as warehouse:
        dates = current_list_dates(warehouse)
    today = mexico_now().date()
    stale = stale_lists(dates, today, max_age)
    if not any(family == "69-B" for family, _, _ in dates):
        stale.append("no 69-B list has been loaded")
    return dg.AssetCheckResult(
        passed=not stale,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(stale) if stale else f"every 69-B situation is within {max_age} days",
        metadata={f"{f} {s}": str(d) for f, s, d in dates},
    )


lists_job = dg.define_asset_job(
    "sat_lists_job",
    selection=dg.AssetSelection.groups(LISTS_GROUP),
    description="Fetch and load SAT's lists.",
)
lists_daily = dg.ScheduleDefinition(
    name="sat_lists_daily",
    job=lists_job,
    cron_schedule="0 7 * * *",
    execution_timezone="America/Mexico_City",
    description="SAT publishes no schedule for its lists: ask daily, load only what changed.",
)
