"""The Dagster side of alerts, on real sandbox runs: the run-failure sensor, the daily checks, the sensor
after each published load; delivered to a real SMTP server and a real HTTP receiver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from assets import PIPELINE
from assets._alerts import (
    alert_after_load,
    alert_on_run_failure,
    daily_alert_checks,
    daily_events,
    load_events,
)
from assets._assets import sat_packages, sat_packages_ready, sat_requests
from assets._partitions import partition_key
from assets._resources import SyncResource
from assets.lists import sat_lists
from etl.alerts import EVENT_HEADER, RFC_HEADER, AlertLedger, AlertSettings, EventKind
from pipeline import Settings
from sandbox import Fault, Operation
from schemas import Partition
from tests.assets.conftest import RFC, Pipeline
from tests.etl.alerts.receivers import HttpReceiver, SmtpReceiver, free_port
from warehouse import Warehouse, published_path

MONTH = date(2026, 8, 1)


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[HttpReceiver]:
    with HttpReceiver() as receiver:
        monkeypatch.setenv("CFDI_ETL_ALERT_WEBHOOK_URL", receiver.url)
        yield receiver


def _alerting(pipeline: Pipeline) -> SyncResource:
    """The pipeline's resource with the CFDI_ETL_ALERT_* settings this test set, as the code location
    configures its resource from the environment."""
    alerts = SyncResource.from_settings(Settings.from_env()).model_dump()
    chosen = {name: value for name, value in alerts.items() if name.startswith("alert_")}
    return SyncResource(**{**pipeline.resource.model_dump(), **chosen})


def _run(pipeline: Pipeline, steps: object = None, resource: object = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        steps or PIPELINE,  # type: ignore[arg-type]
        partition_key=str(partition_key(Partition(RFC, MONTH))),
        instance=pipeline.instance,
        resources={"sync": resource or pipeline.resource},
        raise_on_error=False,
    )


def _failure_sensor(pipeline: Pipeline, result: dg.ExecuteInProcessResult) -> None:
    context = dg.build_run_status_sensor_context(
        sensor_name=alert_on_run_failure.name,
        dagster_event=result.get_run_failure_event(),
        dagster_instance=pipeline.instance,
        dagster_run=result.dagster_run,
        resources={"sync": _alerting(pipeline)},
    ).for_run_failure()
    alert_on_run_failure(context)


@pytest.mark.parametrize("pipeline", [{"package_expiry_seconds": 0}], indirect=True)
def test_a_failed_run_is_posted_once_with_its_reason_in_words(
    pipeline: Pipeline, webhook: HttpReceiver
) -> None:
    failed = _run(pipeline)  # the packages expired before they could be downloaded (5007)
    assert not failed.success
    _failure_sensor(pipeline, failed)
    _failure_sensor(pipeline, failed)  # the sensor sees the same failure again: nothing new is sent
    (post,) = webhook.received
    events = post.json["events"]
    assert events[0]["event"] == EventKind.RUN_FAILED.value
    assert events[0]["rfc"] == RFC
    assert events[0]["month"] == "2026-08"
    assert "5007" in events[0]["what"]
    assert "the next run asks SAT for the period anew" in events[0]["what"]
    assert "Traceback" not in post.json["text"]
    assert post.headers[RFC_HEADER] == RFC


def test_the_daily_check_mails_an_expiring_efirma_once_and_a_request_stuck_past_its_age(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.sandbox.faults.inject(Fault.STUCK, operation=Operation.QUERY, times=1)
    impatient = type(pipeline.resource)(**{**pipeline.resource.model_dump(), "poll_wait_seconds": 1.0})
    _run(pipeline, [sat_requests, sat_packages_ready, sat_packages], impatient)
    port = free_port()
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_PORT", str(port))
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_SECURITY", "none")
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_TO", "ops@example.test")
    monkeypatch.setenv("CFDI_ETL_ALERT_FIEL_DAYS", "100000")  # the sandbox's test e.firma lasts four years
    with SmtpReceiver(port) as smtp:
        for _ in range(2):  # two ticks of the schedule: one message
            with dg.build_schedule_context(
                instance=pipeline.instance, resources={"sync": _alerting(pipeline)}
            ) as context:
                assert isinstance(daily_alert_checks(context), dg.SkipReason)  # it starts no run
        (mail,) = smtp.messages
    assert mail[EVENT_HEADER] == EventKind.FIEL_EXPIRING.value
    assert mail[RFC_HEADER] == RFC

    # The stuck request, as the schedule sees it a day later (the clock advanced, not waited for).
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=25)
    events = daily_events(pipeline.resource, Settings.from_env().alerts, later)
    (pending,) = [e for e in events if e.kind is EventKind.REQUEST_PENDING]
    assert pending.month == MONTH
    assert "has been in process at SAT since" in pending.what


def test_a_webhook_that_fails_leaves_the_tick_green_and_the_alert_pending(
    pipeline: Pipeline, webhook: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_ALERT_FIEL_DAYS", "100000")
    webhook.fail_next(1)
    with dg.build_schedule_context(
        instance=pipeline.instance, resources={"sync": _alerting(pipeline)}
    ) as context:
        assert isinstance(daily_alert_checks(context), dg.SkipReason)
    assert webhook.received == []
    with AlertLedger(pipeline.resource.paths.alerts) as ledger:
        (pending,) = ledger.pending()
    assert pending.event.kind is EventKind.FIEL_EXPIRING
    assert pending.attempts == 1


def test_the_sensor_after_a_published_load_checks_the_loaded_partition_without_failing(
    pipeline: Pipeline, webhook: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_ALERT_RECONCILE_HOURS", "0")
    assert _run(pipeline).success
    resources = {"sync": _alerting(pipeline)}
    with dg.build_sensor_context(instance=pipeline.instance, resources=resources) as context:
        tick = alert_after_load.evaluate_tick(context)  # as the daemon evaluates it, cursor and all
    assert "fact(s) checked" in str(tick.skip_message)
    assert tick.cursor is not None  # the next tick waits for the next published load
    with dg.build_sensor_context(
        instance=pipeline.instance, cursor=tick.cursor, resources=resources
    ) as context:
        again = alert_after_load.evaluate_tick(context)
    assert "No new materialization" in str(again.skip_message)
    # The sandbox's months reconcile and nothing was cancelled after its load: nothing to tell.
    assert webhook.received == []


def test_a_counterparty_newly_on_a_sat_list_is_one_alert_after_the_load(
    pipeline: Pipeline,
) -> None:
    assert _run(pipeline).success
    sync = type(pipeline.resource)(
        **{**pipeline.resource.model_dump(), "lists_base_url": pipeline.sandbox.lists_url}
    )
    lists = [sat_lists]
    assert dg.materialize(lists, instance=pipeline.instance, resources={"sync": sync}).success
    pipeline.sandbox.lists.publish_next()  # SAT publishes a new version: some counterparties enter it
    assert dg.materialize(lists, instance=pipeline.instance, resources={"sync": sync}).success
    with Warehouse.open(published_path(Path(pipeline.resource.warehouse)), read_only=True) as warehouse:
        entered = warehouse.query(
            "SELECT DISTINCT contraparte, familia, situacion FROM contrapartes_recien_listadas WHERE rfc = ?",
            [RFC],
        )
    assert entered.height > 0, "the sandbox's second version lists some of the demo RFC's counterparties"
    events = [
        e
        for e in load_events(pipeline.resource, AlertSettings(), datetime.now(UTC))
        if e.kind is EventKind.COUNTERPARTY_LISTED
    ]
    assert {
        (e.details["counterparty_rfc"], e.details["list"], e.details["situation"]) for e in events
    } == set(entered.iter_rows())
    assert all(e.rfc == RFC for e in events)
