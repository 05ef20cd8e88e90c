"""What an alert is about: a typed event with a stable fact key, so the same fact is told only once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = ["AlertEvent", "EventKind"]


class EventKind(StrEnum):
    RUN_FAILED = "run_failed"
    REQUEST_PENDING = "request_pending"
    SAT_NEEDS_A_PERSON = "sat_needs_a_person"
    FIEL_EXPIRING = "fiel_expiring"
    RECEIVED_CANCELLED = "received_cancelled"
    PARTITION_UNRECONCILED = "partition_unreconciled"
    COUNTERPARTY_LISTED = "counterparty_listed"

    @property
    def heading(self) -> str:
        return _TITLES[self]


_TITLES = {
    EventKind.RUN_FAILED: "A run failed",
    EventKind.REQUEST_PENDING: "A request has been waiting at SAT too long",
    EventKind.SAT_NEEDS_A_PERSON: "SAT's answer needs a person",
    EventKind.FIEL_EXPIRING: "An e.firma expires soon",
    EventKind.RECEIVED_CANCELLED: "A received document already loaded as vigente was cancelled",
    EventKind.PARTITION_UNRECONCILED: "Metadata and XML do not reconcile",
    EventKind.COUNTERPARTY_LISTED: "A counterparty is newly on a SAT list",
}


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One fact worth a person's attention.

    `fact` identifies the fact itself (a run id, a request key, an RFC and certificate date, a UUID): the
    same fact found again on another tick or rerun has the same `key` and is not told twice.
    """

    kind: EventKind
    fact: str
    what: str  # what happened, in the user's words
    action: str  # what to do about it
    rfc: str | None = None
    month: date | None = None
    uuid: str | None = None
    details: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.fact}"

    @property
    def where(self) -> str:
        """`RFC YYYY-MM`, or as much of it as is known."""
        parts = [self.rfc or "", f"{self.month:%Y-%m}" if self.month else ""]
        return " ".join(p for p in parts if p)

    def as_dict(self) -> dict[str, object]:
        return {
            "event": self.kind.value,
            "key": self.key,
            "title": self.kind.heading,
            "rfc": self.rfc,
            "month": None if self.month is None else f"{self.month:%Y-%m}",
            "uuid": self.uuid,
            "what": self.what,
            "action": self.action,
            "details": dict(self.details),
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                **self.as_dict(),
                "fact": self.fact,
                "month": None if self.month is None else self.month.isoformat(),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> AlertEvent:
        data = json.loads(text)
        return cls(
            kind=EventKind(data["event"]),
            fact=str(data["fact"]),
            what=str(data["what"]),
            action=str(data["action"]),
            rfc=data["rfc"],
            month=None if data["month"] is None else date.fromisoformat(data["month"]),
            uuid=data["uuid"],
            details={str(k): str(v) for k, v in data["details"].items()},
        )
