"""Raise events once, deliver them grouped per run, retry failed channels later with backoff.

Nothing here raises into the caller: a data run that raises alerts never fails because a channel did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from etl.alerts._channels import Channel, ChannelError
from etl.alerts._events import AlertEvent
from etl.alerts._ledger import AlertLedger, PendingDelivery
from etl.alerts._message import AlertMessage

__all__ = ["Alerter", "Backoff", "DeliveryReport"]


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Backoff:
    """After the n-th failed attempt wait first * factor**(n-1), at most `longest`."""

    first: timedelta = timedelta(minutes=1)
    factor: float = 2.0
    longest: timedelta = timedelta(hours=1)

    def after(self, attempts: int) -> timedelta:
        return min(self.first * self.factor ** max(attempts - 1, 0), self.longest)


@dataclass(slots=True)
class DeliveryReport:
    sent: dict[str, int] = field(default_factory=dict)  # channel -> alerts delivered now
    failed: dict[str, str] = field(default_factory=dict)  # channel -> why (alerts stay pending)


class Alerter:
    """`notify(events, batch)`: record the new facts and send everything due, one message per batch and
    channel. `clock` gives naive UTC; tests pass one they advance."""

    def __init__(
        self,
        ledger: AlertLedger,
        channels: Sequence[Channel],
        log: Callable[[str], None] = lambda _: None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        backoff: Backoff | None = None,
    ) -> None:
        self.ledger = ledger
        self.channels = list(channels)
        self.log = log
        self._clock = clock
        self._backoff = backoff or Backoff()

    def notify(self, events: Sequence[AlertEvent], batch: str) -> DeliveryReport:
        self.raise_events(events, batch)
        return self.deliver()

    def raise_events(self, events: Sequence[AlertEvent], batch: str) -> list[AlertEvent]:
        new = self.ledger.record(events, batch, [c.name for c in self.channels], self._clock())
        for event in new:
            self.log(f"alert {event.kind.value}: {event.what} — {event.action}")
        return new

    def deliver(self) -> DeliveryReport:
        report = DeliveryReport()
        now = self._clock()
        for channel in self.channels:
            batches: dict[str, list[PendingDelivery]] = {}
            for delivery in self.ledger.due(channel.name, now):
                batches.setdefault(delivery.batch, []).append(delivery)
            for batch, deliveries in batches.items():
                keys = [d.event.key for d in deliveries]
                try:
                    channel.send(AlertMessage(tuple(d.event for d in deliveries)))
                except ChannelError as error:
                    attempts = max(d.attempts for d in deliveries) + 1
                    retry_at = now + self._backoff.after(attempts)
                    self.ledger.mark_failed(channel.name, keys, str(error), retry_at)
                    report.failed[channel.name] = str(error)
                    self.log(
                        f"alert channel {channel.name} failed ({error}); {len(keys)} alert(s) of {batch} "
                        f"stay pending, next try after {retry_at:%Y-%m-%d %H:%M:%S} UTC"
                    )
                    continue
                self.ledger.mark_sent(channel.name, keys, now)
                report.sent[channel.name] = report.sent.get(channel.name, 0) + len(keys)
        return report
