"""Documents of the sandbox's corpus in each status state, found by asking its ConsultaService directly,
and a clock tests move by hand (the sandbox's and the client's)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from etl.parse.metadata import parse_metadata_package
from etl.status import DocumentRef
from sandbox import SandboxConfig, SandboxServer
from sandbox._consulta import ConsultaService, StatusOfDocument
from sandbox.corpus import Corpus, CorpusConfig, CorpusDocument, CorpusQuery
from warehouse import Warehouse

__all__ = [
    "MEXICO",
    "PER_MONTH",
    "RFC",
    "SEED",
    "FakeClock",
    "corpus",
    "documents",
    "epoch",
    "find",
    "load_metadata",
    "ref_of",
    "status_sandbox",
]

RFC = "AAA010101AAA"
SEED = 7
PER_MONTH = 60
MEXICO = dt.timezone(dt.timedelta(hours=-6))
_TOTAL = re.compile(rb'\bTotal="([^"]*)"')


def corpus() -> Corpus:
    return Corpus(CorpusConfig(seed=SEED, rfcs=(RFC,), documents_per_month=PER_MONTH))


def epoch(moment: dt.datetime) -> float:
    """Seconds since the epoch of a Mexico wall-clock time, as the sandbox's clock gives them."""
    return moment.replace(tzinfo=MEXICO).timestamp()


def documents(direction: str = "recibidos") -> Iterator[CorpusDocument]:
    query = CorpusQuery(service="cfdi", requester_rfc=RFC, direction=direction,  # type: ignore[arg-type]
                        start=dt.datetime(2025, 1, 1), end=dt.datetime(2025, 6, 30, 23, 59, 59),
                        kind="metadata")  # fmt: skip
    yield from corpus().documents(query)


def total_of(document: CorpusDocument) -> Decimal:
    match = _TOTAL.search(document.xml)
    assert match is not None
    return Decimal(match.group(1).decode())


def ref_of(document: CorpusDocument) -> DocumentRef:
    return DocumentRef(document.uuid.lower(), document.issuer_rfc, document.receiver_rfc, total_of(document))


def _status(document: CorpusDocument, at: float) -> StatusOfDocument:
    service = ConsultaService(corpus(), SEED, lambda: at)
    total = total_of(document)
    return service.status(
        f"?re={document.issuer_rfc}&rr={document.receiver_rfc}&tt={total}&id={document.uuid}"
    )


def find(accept: Callable[[CorpusDocument, Callable[[float], StatusOfDocument]], bool]) -> CorpusDocument:
    """The first received or issued document for which `accept(document, status_at)` holds."""
    for direction in ("recibidos", "emitidos"):
        for document in documents(direction):
            if accept(document, lambda at, d=document: _status(d, at)):  # type: ignore[misc]
                return document
    raise AssertionError("no document of the corpus is in that state")


class FakeClock:
    """Monotonic, wall and sandbox time in one; `sleep` moves it forward instead of waiting."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds

    def utc_now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.now, dt.UTC).replace(tzinfo=None)


def load_metadata(warehouse: Warehouse, month: dt.date, direction: str, as_of: dt.datetime, out: Path) -> int:
    """The corpus's metadata of one month and side as SAT served it at `as_of`, written as SAT's
    packages, read by the metadata parser and loaded; returns the records loaded."""
    end = (dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1)) - dt.timedelta(seconds=1)
    query = CorpusQuery(service="cfdi", requester_rfc=RFC, direction=direction,  # type: ignore[arg-type]
                        start=dt.datetime(month.year, month.month, 1), end=end, kind="metadata",
                        as_of=as_of)  # fmt: skip
    packages = corpus().write_packages(query, out, f"{month:%Y%m}{direction}")
    records = 0
    with warehouse.load(RFC, month, direction, "metadata") as load:
        for package in packages:
            result = parse_metadata_package(package.path)
            load.append({"metadata": result.frame}, str(package.path), "0" * 64)
            records += result.frame.height
    return records


@contextmanager
def status_sandbox(data_dir: Path, clock: Callable[[], float]) -> Iterator[SandboxServer]:
    """A sandbox serving this corpus, its status service answering as of `clock()`."""
    config = SandboxConfig(data_dir=data_dir, seed=SEED, rfcs=(RFC,), documents_per_month=PER_MONTH)
    with SandboxServer(config, clock=clock) as server:
        yield server
