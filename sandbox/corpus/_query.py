"""What a SAT request asks for, and which planned documents it matches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
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
    Mexico local time without zone, as SAT compares them; a folio query needs neither.

    `as_of` is SAT's "now" for this request: documents issued after it do not exist yet, and a document
    cancelled after it is still vigente. None (the default) sees every document and every cancellation,
    so a sandbox that passes its clock here shows invoices being cancelled after their month was loaded.

    Retenciones have no TipoDeComprobante: a `document_type` filter on them matches nothing."""

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
    as_of: datetime | None = None

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
        yield from plan.cross_received(query.service, me, query.start, query.end)


def _as_of(header: Header, as_of: datetime | None) -> Header | None:
    """The header as SAT shows it at `as_of`: None before it is issued, vigente until it is cancelled."""
    if as_of is None:
        return header
    if header.fecha > as_of:
        return None
    if header.cancelled_at is not None and header.cancelled_at > as_of:
        return replace(header, cancelled_at=None)
    return header


@dataclass(frozen=True, slots=True)
class _Filters:
    """A query's filters, prepared once per query."""

    plan: Plan
    query: CorpusQuery
    complement: str | None
    counterparts: frozenset[str]

    def accept(self, header: Header, received: bool) -> bool:
        query = self.query
        if (query.status == "Vigente" and header.cancelled) or (
            query.status == "Cancelado" and not header.cancelled
        ):
            return False
        if query.document_type is not None and header.tipo != query.document_type:
            return False
        if (
            self.counterparts
            and (header.issuer.rfc if received else header.receiver.rfc) not in self.counterparts
        ):
            return False
        if query.third_party_rfc is not None:
            third = self.plan.third_party(header)
            if third is None or third.rfc != query.third_party_rfc:
                return False
        return self.complement is None or header.complement == self.complement


def matching_headers(plan: Plan, query: CorpusQuery) -> Iterator[Header]:
    """The headers a query matches, with SAT's rule that received cancelled XML is never served."""
    if query.requester_rfc not in plan.rfcs:
        return
    requester = query.requester_rfc
    complement = None if query.complement is None else COMPLEMENT_ALIASES.get(query.complement.lower(), "?")
    filters = _Filters(plan, query, complement, frozenset(query.counterpart_rfcs))
    for candidate in _candidates(plan, query, plan.rfcs.index(requester)):
        header = _as_of(candidate, query.as_of)
        if header is None:
            continue
        received = header.receiver.rfc == requester and header.issuer.rfc != requester
        if query.kind == "xml" and received and header.cancelled:
            continue
        # A folio query has no filters beyond the document's parties.
        if query.uuid is not None or filters.accept(header, received):
            yield header
