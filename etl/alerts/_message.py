"""Several events of one run told as one message: a subject, a text, routing headers, a JSON body."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from etl.alerts._events import AlertEvent

__all__ = ["EVENT_HEADER", "RFC_HEADER", "UUID_HEADER", "AlertMessage"]

EVENT_HEADER = "X-CFDI-ETL-Event"
RFC_HEADER = "X-CFDI-ETL-RFC"
UUID_HEADER = "X-CFDI-ETL-UUID"


def _distinct(values: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True, slots=True)
class AlertMessage:
    events: tuple[AlertEvent, ...]

    @property
    def subject(self) -> str:
        first = self.events[0]
        head = f"{first.kind.heading}" + (f" ({first.where})" if first.where else "")
        more = len(self.events) - 1
        return f"[cfdi-etl] {head}" + (f" and {more} more" if more else "")

    @property
    def text(self) -> str:
        lines = []
        for event in self.events:
            lines.append(f"* {event.kind.heading}" + (f" — {event.where}" if event.where else ""))
            lines.append(f"  {event.what}")
            lines.append(f"  What to do: {event.action}")
        return "\n".join(lines)

    @property
    def headers(self) -> dict[str, str]:
        """Machine-readable fields a mailbox rule or a receiver routes on (comma-separated when several)."""
        headers = {
            EVENT_HEADER: ", ".join(_distinct([e.kind.value for e in self.events])),
            RFC_HEADER: ", ".join(_distinct([e.rfc for e in self.events])),
            UUID_HEADER: ", ".join(_distinct([e.uuid for e in self.events])),
        }
        return {name: value for name, value in headers.items() if value}

    def payload(self) -> dict[str, object]:
        """Slack-compatible (`text`) with every event's fields for other receivers."""
        return {"text": f"{self.subject}\n{self.text}", "events": [e.as_dict() for e in self.events]}
