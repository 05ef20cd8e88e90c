"""What a SAT request asks for, and which planned documents it matches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ._plan import Header, Plan

__all__ = ["COMPLEMENT_ALIASES", "CorpusQuery", "matching_headers"]

# SAT's complement codes as the request's `Complemento` carries them, mapped to what the corpus plans.
COMPLEMENT_ALIASES = {
    "pagos20": "pagos20",
    "pagos": "pagos20",
    "nomina12": "nomina12",
    "nomina": "nomina12",
    "implocal": "implocal",
    "impuestoslocales": "implocal",
}


@dataclass(frozen=True, slots=True)
class CorpusQuery:
    """One SAT request's parameters. `direction=None` with a `uuid` is a SolicitaDescargaFolio.

    `start` and `end` are inclusive and compared with the documents' issue date (`Fecha`, `FechaExp`),
    Mexico local time without zone, as SAT compares them; a folio query needs neither."""

    service: Literal["cfdi", "retenciones"]
    requester_rfc: str
    direction: Literal["emitidos", "recibidos"] | None
    start: datetime | None
    end: datetime | None
    kind: Literal["metadata", "xml"]
    uuid: str | None = None
    document_type: str | None = None
    status: Literal["Todos", "Vigente", "Cancelado"] = "Todos"
    counterpart_rfcs: tuple[str, ...] = ()
    third_party_rfc: str | None = None
    complement: str | None = None

    def __post_init__(self) -> None:
        if self.uuid is None and (self.direction is None or self.start is None or self.end is None):
            raise ValueError("a query needs a uuid (folio), or a direction with start and end")


def _candidates(plan: Plan, query: CorpusQuery, me: int) -> Iterator[Header]:
    if query.uuid is not None:
        key = plan.key_of(query.uuid)
        if key is not None and key.family == query.service:
            header = plan.header(key)
            if plan.rfcs[me] in (header.issuer.rfc, header.receiver.rfc):
                yield header
        return
    if query.start is None or query.end is None:
        return
    if query.direction == "emitidos":
        yield from plan.stream(query.service, me, "issued", query.start, query.end)
    elif query.direction == "recibidos":
        yield from plan.stream(query.service, me, "received", query.start, query.end)
        if query.service == "cfdi":
            yield from plan.cross_received(me, query.start, query.end)


def matching_headers(plan: Plan, query: CorpusQuery) -> Iterator[Header]:
    """The headers a query matches, with SAT's rule that received cancelled XML is never served."""
    if query.requester_rfc not in plan.rfcs:
        return
    me = plan.rfcs.index(query.requester_rfc)
    requester = query.requester_rfc
    complement = None if query.complement is None else COMPLEMENT_ALIASES.get(query.complement.lower(), "?")
    counterparts = frozenset(query.counterpart_rfcs)
    for header in _candidates(plan, query, me):
        received = header.receiver.rfc == requester and header.issuer.rfc != requester
        if query.kind == "xml" and received and header.cancelled:
            continue
        if query.uuid is not None:
            yield header
            continue
        if query.status == "Vigente" and header.cancelled:
            continue
        if query.status == "Cancelado" and not header.cancelled:
            continue
        if query.document_type is not None and header.tipo != query.document_type:
            continue
        if counterparts:
            other = header.issuer.rfc if received else header.receiver.rfc
            if other not in counterparts:
                continue
        if query.third_party_rfc is not None:
            third = plan.third_party(header)
            if third is None or third.rfc != query.third_party_rfc:
                continue
        if complement is not None and header.complement != complement:
            continue
        yield header
