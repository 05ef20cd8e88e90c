"""Alerts through a real SMTP server and a real HTTP receiver on loopback: once per fact, grouped per run,
routing headers, HMAC, and a failing channel retried later without losing the alert."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from etl.alerts import (
    EVENT_HEADER,
    RFC_HEADER,
    SIGNATURE_HEADER,
    UUID_HEADER,
    Alerter,
    AlertEvent,
    AlertLedger,
    AlertSettings,
    CancelledDocument,
    Channel,
    EventKind,
    ListedCounterparty,
    SmtpChannel,
    SmtpSecurity,
    SmtpSettings,
    UnreconciledPartition,
    WebhookChannel,
    WebhookSettings,
    cancelled_after_loaded,
    channels_for,
    fiel_expiring,
    newly_listed,
    run_failed,
    unreconciled_partitions,
)
from tests.etl.alerts.receivers import HttpReceiver, SmtpReceiver, free_port, self_signed_certificate

RFC = "AAA010101AAA"
UUID = "0b5c5e3c-8d5e-4c4e-9b2a-3f1d2e4c5a6b"
NOW = datetime(2026, 9, 10, 12, 0, 0)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _smtp(port: int, **overrides: object) -> SmtpSettings:
    settings: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": SmtpSecurity.NONE,
        "sender": "cfdi-etl@example.test",
        "recipients": ("ops@example.test",),
        "timeout_seconds": 5.0,
        **overrides,
    }
    return SmtpSettings(**settings)  # type: ignore[arg-type]


def _one_of_each() -> list[AlertEvent]:
    """One event of every kind, made by the detectors from plain rows."""
    month = date(2026, 8, 1)
    return [
        run_failed("run-1", "cfdi_partition", "SAT could not complete every request", RFC, month),
        *fiel_expiring(RFC, datetime(2026, 9, 20), NOW.date(), within_days=30),
        *cancelled_after_loaded(
            [CancelledDocument(RFC, month, UUID, "XEXX010101000", "Proveedor", "1160.00", NOW, NOW)]
        ),
        *unreconciled_partitions(
            [UnreconciledPartition(RFC, month, "recibidos", 3, 0, NOW - timedelta(hours=50))],
            NOW,
            timedelta(hours=48),
        ),
        *newly_listed([ListedCounterparty(RFC, "XEXX010101000", "Proveedor", "69-B", "Definitivo", 4)]),
    ]


def test_each_event_is_mailed_once_with_its_routing_headers_and_a_rerun_sends_nothing(tmp_path: Path) -> None:
    port = free_port()
    events = _one_of_each()
    with SmtpReceiver(port) as smtp, AlertLedger(tmp_path / "alerts.sqlite") as ledger:
        alerter = Alerter(ledger, [SmtpChannel(_smtp(port))], clock=Clock())
        for event in events:
            report = alerter.notify([event], batch=f"run-of-{event.kind.value}")
            assert report.sent == {"email": 1}
        for event in events:  # a rerun, or a second tick, finds the same facts again
            assert alerter.notify([event], batch="another-run").sent == {}
        messages = list(smtp.messages)
    assert [m[EVENT_HEADER] for m in messages] == [e.kind.value for e in events]
    assert all(m[RFC_HEADER] == RFC for m in messages)
    by_kind = {m[EVENT_HEADER]: m for m in messages}
    cancelled = by_kind[EventKind.RECEIVED_CANCELLED.value]
    assert cancelled[UUID_HEADER] == UUID
    assert by_kind[EventKind.RUN_FAILED.value][UUID_HEADER] is None  # only where there is one
    body = cancelled.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert UUID in text
    assert "amount 1160.00," in text
    assert "What to do:" in text
    assert "2026-08" in str(cancelled["Subject"])


def test_the_events_of_one_run_are_one_message_per_channel_and_the_webhook_is_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", "shared-secret")
    port = free_port()
    events = _one_of_each()
    with (
        SmtpReceiver(port) as smtp,
        HttpReceiver() as hook,
        AlertLedger(tmp_path / "alerts.sqlite") as ledger,
    ):
        channels: list[Channel] = [
            SmtpChannel(_smtp(port)),
            WebhookChannel(
                WebhookSettings(hook.url, secret_variable="TEST_WEBHOOK_SECRET", timeout_seconds=5)
            ),
        ]
        report = Alerter(ledger, channels, clock=Clock()).notify(events, batch="run-1")
        assert report.sent == {"email": len(events), "webhook": len(events)}
        assert len(smtp.messages) == 1
        assert len(hook.received) == 1
        mail, post = smtp.messages[0], hook.received[0]
    assert set(mail[EVENT_HEADER].split(", ")) == {e.kind.value for e in events}
    assert mail[UUID_HEADER] == UUID
    payload = post.json
    assert isinstance(payload["text"], str)
    assert "A run failed" in payload["text"]
    assert [e["event"] for e in payload["events"]] == [e.kind.value for e in events]
    expected = hmac.new(b"shared-secret", post.body, hashlib.sha256).hexdigest()
    assert post.headers[SIGNATURE_HEADER] == f"sha256={expected}"
    assert post.headers[RFC_HEADER] == RFC


def test_a_webhook_answering_500_is_retried_after_its_backoff_and_the_alert_goes_out_once(
    tmp_path: Path,
) -> None:
    clock = Clock()
    event = run_failed("run-7", "cfdi_partition", "the warehouse file is locked", RFC, date(2026, 8, 1))
    with HttpReceiver() as hook, AlertLedger(tmp_path / "alerts.sqlite") as ledger:
        logged: list[str] = []
        alerter = Alerter(
            ledger, [WebhookChannel(WebhookSettings(hook.url, timeout_seconds=5))], logged.append, clock=clock
        )
        hook.fail_next(2)
        first = alerter.notify([event], batch="run-7")  # never raises: the data run goes on
        assert first.sent == {}
        assert "HTTP 500" in first.failed["webhook"]
        assert [p.event.key for p in ledger.pending()] == [event.key]
        assert any("stay pending" in line for line in logged)

        assert alerter.deliver().sent == {}  # not due yet: nothing is hammered
        clock.advance(timedelta(minutes=1))
        assert alerter.deliver().failed  # second failure: the wait doubles
        clock.advance(timedelta(minutes=1))
        assert alerter.deliver().sent == {}
        clock.advance(timedelta(minutes=1))
        assert alerter.deliver().sent == {"webhook": 1}
        assert alerter.deliver().sent == {}
        assert alerter.notify([event], batch="run-7").sent == {}
        assert ledger.pending() == []
    assert len(hook.received) == 1
    assert hook.received[0].json["events"][0]["key"] == event.key


def test_mail_to_an_smtp_server_that_is_down_stays_pending_and_goes_out_when_it_is_back(
    tmp_path: Path,
) -> None:
    clock = Clock()
    port = free_port()  # nothing listens there yet
    events = _one_of_each()[:2]
    with AlertLedger(tmp_path / "alerts.sqlite") as ledger:
        alerter = Alerter(ledger, [SmtpChannel(_smtp(port))], clock=clock)
        report = alerter.notify(events, batch="run-1")
        assert "SMTP 127.0.0.1" in report.failed["email"]
        with SmtpReceiver(port) as smtp:
            clock.advance(timedelta(minutes=1))
            assert alerter.deliver().sent == {"email": 2}
            assert alerter.deliver().sent == {}
            assert len(smtp.messages) == 1  # still one message for the run, not one per retry or event


def test_starttls_with_a_login_whose_password_is_read_from_the_named_variable_and_stored_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "s3cret-smtp-password"
    monkeypatch.setenv("TEST_SMTP_PASSWORD", password)
    certificate, key = self_signed_certificate(tmp_path)
    port = free_port()
    settings = _smtp(
        port,
        security=SmtpSecurity.STARTTLS,
        user="alerts",
        password_variable="TEST_SMTP_PASSWORD",
        ca_file=certificate,
    )
    logged: list[str] = []
    with (
        SmtpReceiver(port, tls=(certificate, key), user="alerts", password=password) as smtp,
        AlertLedger(tmp_path / "alerts.sqlite") as ledger,
    ):
        report = Alerter(ledger, [SmtpChannel(settings)], logged.append, clock=Clock()).notify(
            _one_of_each()[:1], batch="run-1"
        )
        assert report.sent == {"email": 1}
        assert smtp.mailbox.logins == ["alerts"]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("alerts.sqlite*"))
    assert password.encode() not in stored
    assert not any(password in line for line in logged)


# aiosmtpd warns because it counts only STARTTLS as TLS; the test server is TLS from its first byte.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_delivers_with_a_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "another-password")
    certificate, key = self_signed_certificate(tmp_path)
    port = free_port()
    settings = _smtp(
        port,
        security=SmtpSecurity.TLS,
        user="alerts",
        password_variable="TEST_SMTP_PASSWORD",
        ca_file=certificate,
    )
    with (
        SmtpReceiver(
            port, tls=(certificate, key), user="alerts", password="another-password", implicit_tls=True
        ) as smtp,
        AlertLedger(tmp_path / "alerts.sqlite") as ledger,
    ):
        report = Alerter(ledger, [SmtpChannel(settings)], clock=Clock()).notify(_one_of_each()[:1], batch="r")
        assert report.failed == {}
        assert report.sent == {"email": 1}
        assert smtp.mailbox.logins == ["alerts"]


def test_a_missing_password_variable_keeps_the_alert_pending_and_says_which_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    settings = _smtp(free_port(), user="alerts", password_variable="TEST_SMTP_PASSWORD")
    with AlertLedger(tmp_path / "alerts.sqlite") as ledger:
        report = Alerter(ledger, [SmtpChannel(settings)], clock=Clock()).notify(_one_of_each()[:1], batch="r")
        assert "export TEST_SMTP_PASSWORD" in report.failed["email"]
        assert len(ledger.pending()) == 1


def test_with_no_channel_configured_alerts_are_only_logged_and_still_told_once(tmp_path: Path) -> None:
    channels = channels_for(AlertSettings())
    assert channels == []
    logged: list[str] = []
    events = _one_of_each()
    with AlertLedger(tmp_path / "alerts.sqlite") as ledger:
        alerter = Alerter(ledger, channels, logged.append, clock=Clock())
        alerter.notify(events, batch="run-1")
        alerter.notify(events, batch="run-2")
        assert ledger.pending() == []
    assert len(logged) == len(events)
    assert logged[0].startswith("alert run_failed:")
