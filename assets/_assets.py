"""The steps users see in the UI, one asset each; each calls into `etl.acquire`, `etl.staging` or the
warehouse."""

from collections.abc import Iterator

import dagster as dg
from dagster import AssetExecutionContext

from assets._ledger_snapshot import snapshot_ledger
from assets._partitions import PARTITIONS, split_key
from assets._resources import SyncResource
from etl.acquire import RequestState, plan_partition
from etl.sat import mexico_now
from etl.staging import Stage, stage_partition, stage_root
from warehouse import Warehouse

__all__ = [
    "PIPELINE",
    "REFRESH_METADATA_TAG",
    "documents_parsed",
    "sat_packages",
    "sat_packages_ready",
    "sat_requests",
    "warehouse_published",
    "warehouse_tables",
]

_GROUP = "sat"
# On a run of a closed month: ask its metadata anew, for cancellations that arrived since (the schedule).
REFRESH_METADATA_TAG = "cfdi_etl/refresh_metadata"
_DOCUMENTS = "documents"
_WAREHOUSE = "warehouse"


@dg.asset(partitions_def=PARTITIONS, group_name=_GROUP, kinds={"sqlite"})
def sat_requests(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """Requests submitted to SAT for the partition, or reused from the request ledger."""
    rfc, month = split_key(context.partition_key)
    specs = plan_partition(
        rfc,
        month,
        mexico_now(),
        services=sync.chosen_services,
        directions=sync.chosen_directions,
        request_types=sync.chosen_request_types,
        refresh_metadata=context.run.tags.get(REFRESH_METADATA_TAG) == "1",
    )
    if not specs:
        context.log.info(f"{month:%Y-%m} has no full day yet: nothing to ask SAT")
    with sync.sync(rfc, context.log.info) as steps:
        sent_before = steps.ledger.sat_requests_sent()
        leaves = [leaf for spec in specs for leaf in steps.submit(spec)]
        sent = steps.ledger.sat_requests_sent() - sent_before
        problems = [str(p) for p in steps.problems]
    context.log.info(f"{len(leaves)} request(s) for {rfc} {month:%Y-%m}: {sent} new to SAT, the rest reused")
    if problems and not leaves:
        raise dg.Failure("no request could be made:\n" + "\n".join(problems))
    return dg.MaterializeResult(
        metadata={
            "requests": len(leaves),
            "new_sat_requests": sent,
            "problems": "\n".join(problems) or "none",
        }
    )


@dg.asset(
    partitions_def=PARTITIONS, group_name=_GROUP, deps=[sat_requests], output_required=False, kinds={"sqlite"}
)
def sat_packages_ready(
    context: AssetExecutionContext, sync: SyncResource
) -> Iterator[dg.MaterializeResult[None]]:
    """SAT has finished every request of the partition (polled for a bounded time; the sensor polls longer).

    Not materialized while SAT is still working: the downstream steps then wait for the sensor's run.
    """
    rfc, month = split_key(context.partition_key)
    with sync.sync(rfc, context.log.info) as steps:
        leaves = steps.ledger.partition_leaves(rfc, month)
        report = steps.poll(leaves)
        problems = [str(p) for p in steps.problems]
    if report.pending:
        context.log.info(
            f"SAT says {len(report.pending)} request(s) still in process after {sync.poll_wait_seconds:g} s; "
            "the `sat_pending_requests` sensor starts the rest of this partition when SAT is done"
        )
        if report.stuck:
            raise dg.Failure("requests stuck at SAT:\n" + "\n".join(problems))
        return
    if report.unusable:
        raise dg.Failure(
            "SAT could not complete every request of this partition; nothing was loaded for it:\n"
            + "\n".join(problems)
        )
    documents = sum(e.number_cfdis or 0 for e in report.finished)
    context.log.info(
        f"SAT finished {len(report.finished)} request(s) with {documents:,} documents; "
        f"{len(report.empty)} had no documents"
    )
    yield dg.MaterializeResult(
        metadata={
            "finished": len(report.finished),
            "empty": len(report.empty),
            "documents_reported_by_sat": documents,
            "problems": "\n".join(problems) or "none",
        }
    )


@dg.asset(partitions_def=PARTITIONS, group_name=_GROUP, deps=[sat_packages_ready], kinds={"sqlite"})
def sat_packages(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """Every package of the partition, downloaded once and kept by sha256 in the package store."""
    rfc, month = split_key(context.partition_key)
    with sync.sync(rfc, context.log.info) as steps:
        finished = [e for e in steps.ledger.partition_leaves(rfc, month) if e.state is RequestState.FINISHED]
        packages = [p for entry in finished for p in steps.download(entry)]
        problems = [str(p) for p in steps.problems]
    if problems:
        raise dg.Failure("some packages could not be downloaded:\n" + "\n".join(problems))
    size = sum(p.stored.size for p in packages)
    context.log.info(f"{len(packages)} package(s) in the store for {rfc} {month:%Y-%m} ({size:,} bytes)")
    return dg.MaterializeResult(metadata={"packages": len(packages), "bytes": size})


@dg.asset(partitions_def=PARTITIONS, group_name=_DOCUMENTS, deps=[sat_packages], kinds={"polars", "parquet"})
def documents_parsed(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """Every package of the partition extracted and parsed into typed frames, staged as Parquet."""
    rfc, month = split_key(context.partition_key)
    with sync.sync(rfc, context.log.info) as steps:
        finished = [e for e in steps.ledger.partition_leaves(rfc, month) if e.state is RequestState.FINISHED]
        packages = [p for entry in finished for p in steps.download(entry)]
    stage = stage_partition(
        sync.paths.staging, rfc, month, packages, processes=sync.parse_processes, log=context.log.info
    )
    records = sum(p.records for p in stage.packages)
    rejected = sum(p.rejected for p in stage.packages)
    return dg.MaterializeResult(
        metadata={"packages": len(stage.packages), "records_and_documents": records, "rejected": rejected}
    )


@dg.asset(
    partitions_def=PARTITIONS,
    group_name=_WAREHOUSE,
    deps=[documents_parsed],
    pool="duckdb_writer",
    kinds={"duckdb"},
)
def warehouse_tables(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """The partition's warehouse tables, replaced in one transaction per direction and dataset."""
    rfc, month = split_key(context.partition_key)
    stage = Stage.read(stage_root(sync.paths.staging, rfc, month))
    rows: dict[str, int] = {}
    with Warehouse.open(sync.warehouse) as warehouse:
        for (direction, dataset), packages in sorted(stage.groups().items()):
            with warehouse.load(rfc, month, direction, dataset) as load:
                for package in packages:
                    # Straight from the staged Parquet: DuckDB streams it; frames would hold a package twice.
                    load.append_parquet(stage.files(package), package.package_id, package.sha256)
            assert load.report is not None
            for table, count in load.report.rows.items():
                rows[table] = rows.get(table, 0) + count
            context.log.info(
                f"loaded {rfc} {month:%Y-%m} {direction} {dataset}: {load.report.total_rows:,} rows, "
                f"{load.report.rejects:,} rejected, {load.report.duplicates_dropped:,} duplicates dropped"
            )
    return dg.MaterializeResult(metadata={f"rows_{table}": count for table, count in sorted(rows.items())})


@dg.asset(
    partitions_def=PARTITIONS,
    group_name=_WAREHOUSE,
    deps=[warehouse_tables],
    pool="duckdb_writer",
    kinds={"duckdb"},
)
def warehouse_published(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """The analyst views and the read-only published copy dashboards read, refreshed after the load."""
    with Warehouse.open(sync.warehouse) as warehouse:
        snapshot_ledger(warehouse, sync.paths.ledger)
        published = warehouse.publish()
    context.log.info(f"published {published}")
    return dg.MaterializeResult(metadata={"published": dg.MetadataValue.path(str(published))})


# The steps in order, as the UI shows them and as `cfdi-etl demo` materializes them.
PIPELINE = (
    sat_requests,
    sat_packages_ready,
    sat_packages,
    documents_parsed,
    warehouse_tables,
    warehouse_published,
)
