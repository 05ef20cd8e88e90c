"""One request as SAT sees it: who, which service, which side, which content, which period."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

__all__ = ["Direction", "Family", "RequestKind", "RequestSpec"]


class Family(StrEnum):
    """SAT's two service families; a token of one is never used on the other."""

    CFDI = "cfdi"
    RETENCIONES = "retenciones"


class Direction(StrEnum):
    EMITIDOS = "emitidos"
    RECIBIDOS = "recibidos"


class RequestKind(StrEnum):
    """SAT's TipoSolicitud: `CFDI` asks for the XML (of CFDI or of Retenciones alike)."""

    METADATA = "Metadata"
    XML = "CFDI"


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """The parameters of one SAT request; two specs with the same `key` are the same request to SAT.

    `start` and `end` are Mexico local wall-clock, both inclusive, whole seconds, as SAT reads them.
    `month` is the partition the request feeds; it is not a SAT parameter and is not in the key.
    """

    rfc: str
    family: Family
    direction: Direction
    kind: RequestKind
    start: datetime
    end: datetime
    status: str
    month: date

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("SAT periods are naive Mexico local wall-clock times")
        if self.start.microsecond or self.end.microsecond:
            raise ValueError("SAT periods have whole seconds")
        if not self.start < self.end:
            raise ValueError(f"period start {self.start} is not before its end {self.end}")

    @property
    def key(self) -> str:
        """Canonical text of exactly what SAT is asked: the ledger's primary key."""
        return json.dumps(
            {
                "rfc": self.rfc.upper(),
                "family": self.family.value,
                "direction": self.direction.value,
                "kind": self.kind.value,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "status": self.status,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def with_period(self, start: datetime, end: datetime) -> RequestSpec:
        return replace(self, start=start, end=end)

    def describe(self) -> str:
        """The request in the user's words, for logs and errors."""
        what = "metadata" if self.kind is RequestKind.METADATA else "XML"
        return (
            f"{self.rfc} {self.family.value} {self.direction.value} {what} "
            f"{self.start:%Y-%m-%d %H:%M:%S} → {self.end:%Y-%m-%d %H:%M:%S}"
        )
