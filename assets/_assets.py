"""The steps users see in the UI, one asset each; each is a call into `pipeline` for its partition."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster import AssetExecutionContext

import pipeline
from assets._overview import waiting_metadata
from assets._partitions import PARTITIONS, partition_of
from assets._resources import SyncResource
from etl.acquire import LeaseHeldError

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


@contextmanager
def _failing_loudly() -> Iterator[None]:
    """A step that stops says so in the run's failure, in the step's own words."""
    try:
        yield
    except pipeline.StepError as error:
        raise dg.Failure(str(error)) from None


@contextmanager
def _talking_to_sat(context: AssetExecutionContext, sync: SyncResource) -> Iterator[None]:
    """A step that talks to SAT: inside its RFC's lease (one run per RFC, whoever started it)."""
    try:
        with (
            _failing_loudly(),
            sync.one_run_per_rfc(partition_of(context.partition_key).rfc, context.log.info),
        ):
            yield
    except LeaseHeldError as held:
        raise dg.Failure(str(held)) from None


@dg.asset(partitions_def=PARTITIONS, group_name=_GROUP, kinds={"sqlite"})
def sat_requests(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """Requests submitted to SAT for the partition, or reused from the request ledger."""
    refresh = context.run.tags.get(REFRESH_METADATA_TAG) == "1"
    with _talking_to_sat(context, sync):
        done = pipeline.request(
            sync.settings(),
            partition_of(context.partition_key),
            refresh_metadata=refresh,
            log=context.log.info,
        )
    return dg.MaterializeResult(metadata=done.figures())


@dg.asset(
    partitions_def=PARTITIONS, group_name=_GROUP, deps=[sat_requests], output_required=False, kinds={"sqlite"}
)
def sat_packages_ready(
    context: AssetExecutionContext, sync: SyncResource
) -> Iterator[dg.MaterializeResult[None]]:
    """SAT has finished every request of the partition (polled for a bounded time; the sensor polls longer).

    Not materialized while SAT is still working: the downstream steps then wait for the sensor's run.
    """
    partition = partition_of(context.partition_key)
    with _talking_to_sat(context, sync):
        polled = pipeline.wait(sync.settings(), partition, log=context.log.info)
    waiting = waiting_metadata(sync, partition.rfc, partition.month)
    if polled.ready:
        yield dg.MaterializeResult(metadata={**polled.figures(), **waiting})
    else:
        context.log_event(dg.AssetObservation(context.asset_key, context.partition_key, waiting))


@dg.asset(partitions_def=PARTITIONS, group_name=_GROUP, deps=[sat_packages_ready], kinds={"sqlite"})
def sat_packages(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """Every package of the partition, downloaded once and kept by sha256 in the package store."""
    with _talking_to_sat(context, sync):
        done = pipeline.download(sync.settings(), partition_of(context.partition_key), log=context.log.info)
    return dg.MaterializeResult(metadata=done.figures())


@dg.asset(partitions_def=PARTITIONS, group_name=_DOCUMENTS, deps=[sat_packages], kinds={"polars", "parquet"})
def documents_parsed(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """Every package of the partition, from the package store, parsed into typed frames staged as Parquet."""
    with _failing_loudly():
        done = pipeline.parse(sync.settings(), partition_of(context.partition_key), log=context.log.info)
    return dg.MaterializeResult(metadata=done.figures())


# The warehouse steps take no Dagster pool slot. DuckDB allows one writing process per file, and a writer
# waits for another's file lock (bounded by CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS, saying so, sleeping
# between looks); the operating system frees that lock with the process, so a run killed inside a load
# holds nothing. A step waiting for a `pool` slot in Dagster 1.13 never sleeps (the in-process and
# multiprocess executors loop on `interval_to_next_pending_claim_check`, which is never above 0), so a run
# waiting for a live writer spun a core at 100 %.
@dg.asset(
    partitions_def=PARTITIONS,
    group_name=_WAREHOUSE,
    deps=[documents_parsed],
    kinds={"duckdb"},
)
def warehouse_tables(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """The partition's warehouse tables, replaced in one transaction per direction and dataset."""
    done = pipeline.load(sync.settings(), partition_of(context.partition_key), log=context.log.info)
    return dg.MaterializeResult(metadata=done.figures())


@dg.asset(
    partitions_def=PARTITIONS,
    group_name=_WAREHOUSE,
    deps=[warehouse_tables],
    kinds={"duckdb"},
)
def warehouse_published(context: AssetExecutionContext, sync: SyncResource) -> dg.MaterializeResult[None]:
    """The analyst views and the read-only published copy dashboards read, refreshed after the load."""
    published = pipeline.publish(sync.settings(), log=context.log.info)
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
