"""What the sandbox serves: the synthetic corpus of `sandbox.corpus`, seen through one small interface."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

from sandbox._queries import Query
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery

__all__ = ["Catalog", "CorpusCatalog", "WrittenPackage"]


@dataclass(frozen=True)
class WrittenPackage:
    package_id: str
    path: Path
    document_count: int


class Catalog(Protocol):
    """Counts what a query matches (cheaply) and writes its packages into a directory."""

    def count(self, query: Query) -> int: ...

    def write_packages(
        self, query: Query, out_dir: Path, request_id: str, documents_per_package: int
    ) -> list[WrittenPackage]: ...


class CorpusCatalog:
    """The deterministic synthetic corpus (`sandbox.corpus`) for the sandbox's seed and RFCs."""

    def __init__(self, seed: int, rfcs: tuple[str, ...], documents_per_month: int | None) -> None:
        config = CorpusConfig(seed=seed, rfcs=rfcs)
        if documents_per_month is not None:
            config = replace(config, documents_per_month=documents_per_month)
        self.corpus = Corpus(config)

    def count(self, query: Query) -> int:
        return self.corpus.count(_corpus_query(query))

    def write_packages(
        self, query: Query, out_dir: Path, request_id: str, documents_per_package: int
    ) -> list[WrittenPackage]:
        written = self.corpus.write_packages(_corpus_query(query), out_dir, request_id, documents_per_package)
        return [WrittenPackage(p.package_id, Path(p.path), p.document_count) for p in written]


_SERVICES: dict[str, Literal["cfdi", "retenciones"]] = {"cfdi": "cfdi", "retenciones": "retenciones"}
_DIRECTIONS: dict[str, Literal["emitidos", "recibidos"] | None] = {
    "emitidos": "emitidos",
    "recibidos": "recibidos",
    "folio": None,
}
_KINDS: dict[str, Literal["metadata", "xml"]] = {"metadata": "metadata", "xml": "xml"}
_STATUSES: dict[str, Literal["Todos", "Vigente", "Cancelado"]] = {
    "Todos": "Todos",
    "Vigente": "Vigente",
    "Cancelado": "Cancelado",
}


def _corpus_query(query: Query) -> CorpusQuery:
    return CorpusQuery(
        service=_SERVICES[query.service],
        requester_rfc=query.requester_rfc,
        direction=_DIRECTIONS[query.kind],
        # A folio query has no period; the corpus finds the document by UUID alone.
        start=dt.datetime.min if query.start is None else dt.datetime.fromisoformat(query.start),
        end=dt.datetime.max if query.end is None else dt.datetime.fromisoformat(query.end),
        kind=_KINDS[query.request_type],
        uuid=query.uuid,
        document_type=query.document_type,
        status=_STATUSES[query.status],
        counterpart_rfcs=query.counterpart_rfcs,
        third_party_rfc=query.third_party_rfc,
        complement=query.complement,
        as_of=None if query.as_of is None else dt.datetime.fromisoformat(query.as_of),
    )
