"""Any XML document SAT hands out (CFDI or Retenciones) into typed frames, in batches, on one or more cores.

    batch = parse_documents([(source_name, xml_bytes), ...])
    batch.frames["comprobantes"], batch.frames["documentos_rechazados"], ...

    for batch in iter_parsed_batches(entries, batch_size=2_000, processes=2):
        ...  # load batch.frames; memory stays bounded whatever the number of entries

A document that cannot be loaded becomes a `documentos_rechazados` row with its source and reason; the rest
of the batch loads. Each family of documents has a collector (`DocumentCollector`): documents are added one
by one and each batch is finished into frames.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from etl.parse._workers import Shipment, close_worker_pools, forget_worker_pool, worker_pool
from etl.parse._xml import DocumentRejectedError, Rejection
from etl.parse.cfdi import CfdiCollector
from etl.parse.retenciones import RetencionesCollector
from schemas import Table
from schemas.cfdi import CFDI_TABLES
from schemas.raw import COMPLEMENTOS_RAW
from schemas.rejects import DOCUMENTOS_RECHAZADOS
from schemas.retenciones import RETENCIONES_TABLES

__all__ = [
    "BATCH_BYTES",
    "DOCUMENT_TABLES",
    "DocumentCollector",
    "ParsedBatch",
    "Rejection",
    "close_worker_pools",
    "iter_parsed_batches",
    "parse_documents",
]

# Every table a ParsedBatch has a frame for (possibly empty).
DOCUMENT_TABLES: tuple[Table, ...] = (
    *CFDI_TABLES,
    *RETENCIONES_TABLES,
    COMPLEMENTOS_RAW,
    DOCUMENTOS_RECHAZADOS,
)

# The root element's name, read without parsing, picks the family; the family's parser checks the namespace.
_ROOT_NAME = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SNIFF_BYTES = 4096
# A batch closes at this many bytes of documents even before `batch_size` of them: 2,000 ordinary CFDI are
# about 19 MB, so ordinary batches never meet it.
BATCH_BYTES = 64 << 20


class DocumentCollector(Protocol):
    """Parses one family of documents a batch at a time.

    `add` parses one document into the collector's buffers, or raises DocumentRejectedError having kept
    nothing of it. `finish` returns a frame per table of the family (complementos_raw included) and the
    documents refused while typing the batch (a value that is not a number, a date…), then starts afresh.
    """

    def add(self, source: str, data: bytes) -> None: ...

    def finish(self) -> tuple[dict[str, pl.DataFrame], list[Rejection]]: ...


@dataclass(frozen=True, slots=True)
class ParsedBatch:
    """The frames of one batch, one per table in DOCUMENT_TABLES, and how many documents went where."""

    frames: dict[str, pl.DataFrame]
    documents: int
    rejected: int

    @property
    def rejects(self) -> pl.DataFrame:
        return self.frames[DOCUMENTOS_RECHAZADOS.name]


class _Retenciones:
    """RetencionesCollector takes the document's sha256 as well; the CFDI collector hashes only what it
    refuses, which saves a hash per document on the hot path."""

    def __init__(self) -> None:
        self._collector = RetencionesCollector()

    def add(self, source: str, data: bytes) -> None:
        self._collector.add(source, hashlib.sha256(data).hexdigest(), data)

    def finish(self) -> tuple[dict[str, pl.DataFrame], list[Rejection]]:
        return self._collector.finish()


_COLLECTORS: dict[str, Callable[[], DocumentCollector]] = {"cfdi": CfdiCollector, "retenciones": _Retenciones}


def _family(data: bytes) -> str | None:
    found = _ROOT_NAME.search(data, 0, _SNIFF_BYTES)
    if found is None:
        return None
    name = found.group(1)
    if name == b"Comprobante":
        return "cfdi"
    if name == b"Retenciones":
        return "retenciones"
    return None


def _rejects_frame(rejections: list[Rejection]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rejections if rejections else None,
        schema=DOCUMENTOS_RECHAZADOS.schema,
        orient="row",
    )
    DOCUMENTOS_RECHAZADOS.check(frame)
    return frame


def parse_documents(entries: Iterable[tuple[str, bytes]]) -> ParsedBatch:
    """Parse every (source name, XML bytes) entry; unreadable ones become rejects, the rest frames."""
    # a family's collector is made for its first document: finishing one that saw none costs milliseconds
    # per batch, and most batches hold one family
    collectors: dict[str, DocumentCollector] = {}
    rejections: list[Rejection] = []
    documents = 0
    for source, data in entries:
        documents += 1
        family = _family(data)
        name = family or "cfdi"
        collector = collectors.get(name)
        if collector is None:
            collector = collectors[name] = _COLLECTORS[name]()
        try:
            collector.add(source, data)
        except DocumentRejectedError as rejected:
            rejections.append(Rejection.of(source, data, family, rejected.uuid, rejected.reason))
    frames: dict[str, pl.DataFrame] = {}
    raw: list[pl.DataFrame] = []
    for collector in collectors.values():
        family_frames, refused = collector.finish()
        rejections.extend(refused)
        raw.append(family_frames.pop(COMPLEMENTOS_RAW.name))
        frames.update(family_frames)
    if raw:
        frames[COMPLEMENTOS_RAW.name] = pl.concat(raw)
    frames[DOCUMENTOS_RECHAZADOS.name] = _rejects_frame(rejections)
    frames = {
        table.name: frames[table.name] if table.name in frames else table.empty() for table in DOCUMENT_TABLES
    }
    return ParsedBatch(frames=frames, documents=documents, rejected=len(rejections))


def _chunks(
    entries: Iterable[tuple[str, bytes]], size: int, budget: int
) -> Iterator[list[tuple[str, bytes]]]:
    """Batches of `size` entries, or fewer when their bytes reach `budget`: a batch of large documents
    holds about as much memory as one of ordinary ones."""
    chunk: list[tuple[str, bytes]] = []
    held = 0
    for entry in entries:
        chunk.append(entry)
        held += len(entry[1])
        if len(chunk) >= size or held >= budget:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def iter_parsed_batches(
    entries: Iterable[tuple[str, bytes]],
    batch_size: int = 2_000,
    processes: int = 1,
    batch_bytes: int = BATCH_BYTES,
) -> Generator[ParsedBatch, None, None]:
    """Parse entries in batches of `batch_size` (fewer when they reach `batch_bytes`), in order, on
    `processes` processes, this one included.

    With several processes this one parses every `processes`-th batch itself and `processes - 1` worker
    processes (`etl.parse._workers`) the others. A parent that only shipped batches out and frames back would
    idle a core (two workers and an idle parent: 1.30x one process on two cores); one that parsed whenever
    a worker was busy would ship more batches than it must, and shipping costs the parent too (1.58x
    against 1.63-1.70x taking turns; `python -m bench.parse_xml`, 20,000 documents). Entries are read
    lazily and at most two batches per process are in flight, so memory is bounded by the batch size, not
    by the number of entries.
    """
    if batch_size < 1 or processes < 1:
        raise ValueError("batch_size and processes must be at least 1")
    chunks = _chunks(entries, batch_size, batch_bytes)
    if processes == 1:
        yield from map(parse_documents, chunks)
        return
    pool = worker_pool(processes - 1)
    # in batch order: a worker's shipment, or a batch this process parses when its turn comes
    pending: deque[Shipment[ParsedBatch] | list[tuple[str, bytes]]] = deque()
    try:
        for index, chunk in enumerate(chunks):
            pending.append(chunk if index % processes == 0 else pool.submit(parse_documents, chunk))
            if len(pending) >= 2 * processes:
                yield _next(pending.popleft())
        while pending:
            yield _next(pending.popleft())
    except BrokenProcessPool:
        forget_worker_pool(pool)
        raise
    finally:
        for item in pending:  # the caller stopped early: do not parse what nobody will read
            if isinstance(item, Shipment):
                item.discard()


def _next(item: Shipment[ParsedBatch] | list[tuple[str, bytes]]) -> ParsedBatch:
    return item.result() if isinstance(item, Shipment) else parse_documents(item)
