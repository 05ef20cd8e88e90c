"""Alerts from Dagster: a run-failure sensor, a sensor on each published load, and a daily check of
e.firma expiries and request ages. Each raises `etl.alerts` events and delivers what is due; a channel
that fails leaves its alerts pending for the next tick and never fails a run or a tick."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import dagster as dg

from assets._assets import warehouse_published
from assets._automation import partition_job
from assets._overview import current_requests, fiel_status, readable_warehouse
from assets._partitions import partition_of
from assets._resources import SyncResource
from etl.alerts import (
    Alerter,
    AlertEvent,
    AlertLedger,
    AlertSettings,
    CancelledDocument,
    DeliveryReport,
    ListedCounterparty,
    UnreconciledPartition,
    cancelled_after_loaded,
    channels_for,
    fiel_expiring,
    newly_listed,
    pending_requests,
    requests_needing_a_person,
    run_failed,
    unreconciled_partitions,
)
from etl.registry import RfcRegistry
from warehouse import (
    Warehouse,
    WarehouseError,
    cancelled_after_load,
    newly_listed_counterparties,
    unreconciled,
)

__all__ = [
    "ALERT_SENSORS",
    "alert_after_load",
    "alert_on_run_failure",
    "daily_alert_checks",
    "daily_events",
    "failure_reason",
    "load_events",
    "notify",
]


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def _alerter(sync: SyncResource, log: Callable[[str], None]) -> Iterator[Alerter]:
    with AlertLedger(sync.paths.alerts) as ledger:
        yield Alerter(ledger, channels_for(sync.settings().alerts), log)


def notify(
    sync: SyncResource, events: list[AlertEvent], batch: str, log: Callable[[str], None]
) -> DeliveryReport:
    """Record and deliver; whatever goes wrong with alerting is logged, never raised into the caller."""
    try:
        with _alerter(sync, log) as alerter:
            return alerter.notify(events, batch)
    except Exception as error:  # alerting must never fail a data run or a sensor tick
        log(
            f"alerts could not be processed ({type(error).__name__}: {error}); "
            "the facts are found again next tick"
        )
        return DeliveryReport()


def daily_events(sync: SyncResource, settings: AlertSettings, now: datetime) -> list[AlertEvent]:
    """E-firmas expiring within the warning window, requests pending past their age, and SAT answers
    that need a person, over every registered RFC and every partition of the ledger."""
    events: list[AlertEvent] = []
    if sync.paths.ledger.exists():
        with RfcRegistry(sync.paths.ledger) as registry:
            locations = registry.all()
        for location in locations:
            status = fiel_status(location)
            if status.expires is not None:
                events += fiel_expiring(location.rfc, status.expires, now.date(), settings.fiel_warning_days)
    current = current_requests(sync)
    events += pending_requests(current, now, settings.pending_after)
    events += requests_needing_a_person(current)
    return events


def load_events(sync: SyncResource, settings: AlertSettings, now: datetime) -> list[AlertEvent]:
    """After a load: received documents cancelled since their month was loaded, counterparties newly on
    a 69-B or 69 list, and partitions whose metadata and XML still do not reconcile after the configured
    time."""
    source = readable_warehouse(sync)
    if source is None:
        return []
    try:
        with Warehouse.open(source, read_only=True) as warehouse:
            cancelled = cancelled_after_load(warehouse)
            differences = unreconciled(warehouse)
            listed = newly_listed_counterparties(warehouse)
    except WarehouseError:
        return []
    events = cancelled_after_loaded(CancelledDocument(**row) for row in cancelled.iter_rows(named=True))
    events += newly_listed(ListedCounterparty(**row) for row in listed.iter_rows(named=True))
    events += unreconciled_partitions(
        (UnreconciledPartition(**row) for row in differences.iter_rows(named=True)),
        now,
        settings.reconcile_after,
    )
    return events


def failure_reason(context: dg.RunFailureSensorContext) -> str:
    """The failure in the user's words: each failed step's `dg.Failure` description or error message,
    without the traceback."""
    reasons = []
    for event in context.get_step_failure_events():
        data = event.step_failure_data
        described = data.user_failure_data.description if data.user_failure_data else None
        message = described or (data.error.message.strip() if data.error else "")
        reasons.append(f"step {event.step_key}: {message}")
    return "\n".join(reasons) or context.failure_event.message or "the run failed"


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=30)
def alert_on_run_failure(context: dg.RunFailureSensorContext, sync: SyncResource) -> None:
    """A failed run: one alert with its reason, with what SAT answered its partition that needs a person."""
    run = context.dagster_run
    key = run.tags.get("dagster/partition")
    partition = partition_of(key) if key else None
    rfc, month = (partition.rfc, partition.month) if partition else (None, None)
    events = [run_failed(run.run_id, run.job_name, failure_reason(context), rfc, month)]
    if rfc is not None and month is not None:
        events += requests_needing_a_person(current_requests(sync, rfc, month))
    notify(sync, events, batch=f"run:{run.run_id}", log=context.log.info)


@dg.asset_sensor(
    asset_key=warehouse_published.key,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
)
def alert_after_load(
    context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry, sync: SyncResource
) -> dg.SkipReason:
    """After each published load: cancellations of booked received documents, unreconciled partitions."""
    events = load_events(sync, sync.settings().alerts, _utc_now())
    report = notify(sync, events, batch=f"load:{asset_event.run_id}", log=context.log.info)
    return dg.SkipReason(f"{len(events)} fact(s) checked; sent {report.sent or 'nothing new'}")


@dg.schedule(cron_schedule="0 7 * * *", job=partition_job, execution_timezone="America/Mexico_City")
def daily_alert_checks(context: dg.ScheduleEvaluationContext, sync: SyncResource) -> dg.SkipReason:
    """Once a day: e.firma expiries, requests pending too long, SAT answers needing a person; and any
    alert a channel failed to deliver earlier. Starts no run."""
    now = _utc_now()
    events = daily_events(sync, sync.settings().alerts, now)
    report = notify(sync, events, batch=f"daily:{now.date().isoformat()}", log=context.log.info)
    return dg.SkipReason(f"{len(events)} fact(s) checked; sent {report.sent or 'nothing new'}")


ALERT_SENSORS = (alert_on_run_failure, alert_after_load)
