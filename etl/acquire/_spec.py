"""One request as SAT sees it, plus the partition it feeds; its `key` is what the ledger is keyed by."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime

from etl.sat import Direction, DocumentStatus, QueryParameters, RequestType, Service

__all__ = ["RequestSpec"]


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """The parameters of one SAT request; two specs with the same `key` are the same request to SAT.

    `start` and `end` are Mexico local wall-clock, both inclusive, whole seconds, as SAT reads them.
    `month` is the partition the request feeds; it is not a SAT parameter and is not in the key.
    Creating a spec checks it as `etl.sat.QueryParameters` does, so a bad one never reaches the ledger.
    """

    rfc: str
    service: Service
    direction: Direction
    request_type: RequestType
    start: datetime
    end: datetime
    month: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "rfc", self.rfc.upper())
        self.query()

    def query(self) -> QueryParameters:
        make = QueryParameters.issued if self.direction is Direction.ISSUED else QueryParameters.received
        return make(self.start, self.end, self.request_type, service=self.service)

    @property
    def status(self) -> DocumentStatus:
        """EstadoComprobante, always explicit: `Todos`, but `Vigente` for received XML (all SAT serves)."""
        status = self.query().document_status
        assert status is not None
        return status

    @property
    def key(self) -> str:
        """Canonical text of exactly what SAT is asked: the ledger's primary key."""
        return json.dumps(
            {
                "rfc": self.rfc,
                "service": self.service.value,
                "direction": self.direction.value,
                "request_type": self.request_type.value,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "status": self.status.value,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def with_period(self, start: datetime, end: datetime) -> RequestSpec:
        return replace(self, start=start, end=end)

    def describe(self) -> str:
        """The request in the user's words, for logs and errors."""
        what = "metadata" if self.request_type is RequestType.METADATA else "XML"
        return (
            f"{self.rfc} {self.service.value} {self.direction.value} {what} "
            f"{self.start:%Y-%m-%d %H:%M:%S} → {self.end:%Y-%m-%d %H:%M:%S}"
        )
