"""The public face of the corpus: configuration, counting, packages, single documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ._calendar import Month
from ._documents import DocumentFactory
from ._packages import PackageFile, write_metadata_packages, write_xml_packages
from ._plan import Plan
from ._query import CorpusQuery, matching_headers

__all__ = ["Corpus", "CorpusConfig", "CorpusDocument"]

_RFC = re.compile(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$")


@dataclass(frozen=True, slots=True)
class CorpusConfig:
    """What the synthetic world holds.

    - `seed`: everything is a pure function of it; the same seed gives the same bytes.
    - `rfcs`: the configured taxpayers (the FIELs that will ask); each issues and receives documents.
    - `documents_per_month`: CFDI per RFC, per month, per side (issued, and received from synthetic
      counterparts). Documents other configured RFCs issue to it come on top of its received ones.
    - `retenciones_per_month`: the same for Retenciones.
    - `first_month`, `last_month` (`"YYYY-MM"`, inclusive): the months that hold documents; None means
      unbounded on that side, so any month asked for has documents."""

    seed: int
    rfcs: tuple[str, ...]
    documents_per_month: int = 200
    retenciones_per_month: int = 10
    first_month: str | None = None
    last_month: str | None = None

    def __post_init__(self) -> None:
        if not self.rfcs or len(self.rfcs) > 255:
            raise ValueError("a corpus needs between 1 and 255 RFCs")
        for rfc in self.rfcs:
            if not _RFC.match(rfc):
                raise ValueError(f"{rfc!r} is not an RFC (upper case, 12 or 13 characters)")
        if len(set(self.rfcs)) != len(self.rfcs):
            raise ValueError("the same RFC is configured twice")
        for count in (self.documents_per_month, self.retenciones_per_month):
            if not 0 <= count < 1 << 24:
                raise ValueError("documents per month must be between 0 and 16,777,215")


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    """One document a query matched, with what a test needs to check it against the packages."""

    uuid: str
    issuer_rfc: str
    receiver_rfc: str
    document_type: str  # "" for Retenciones
    issued_at: datetime
    cancelled_at: datetime | None  # as of the query's `as_of`
    xml: bytes

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class Corpus:
    """A deterministic synthetic corpus: nothing is stored, every document is regenerated on demand."""

    def __init__(self, config: CorpusConfig) -> None:
        self.config = config
        first = None if config.first_month is None else Month.parse(config.first_month)
        last = None if config.last_month is None else Month.parse(config.last_month)
        self._plan = Plan(
            config.seed,
            config.rfcs,
            {"cfdi": config.documents_per_month, "retenciones": config.retenciones_per_month},
            first,
            last,
        )
        self._factory = DocumentFactory(self._plan)

    def count(self, query: CorpusQuery) -> int:
        """What SAT reports as NumeroCFDIs for this request (no document is built)."""
        return sum(1 for _ in matching_headers(self._plan, query))

    def write_packages(
        self,
        query: CorpusQuery,
        out_dir: Path,
        request_id: str,
        max_documents_per_package: int = 200_000,
        max_package_bytes: int | None = None,
    ) -> list[PackageFile]:
        """Write the request's packages into `out_dir` as `<request_id>_NN.zip`, streaming.

        A new package starts after `max_documents_per_package` documents (metadata: records), or for XML
        when the next document would take the package's uncompressed size past `max_package_bytes`.
        Returns [] when nothing matches."""
        if max_documents_per_package < 1:
            raise ValueError("max_documents_per_package must be at least 1")
        out_dir.mkdir(parents=True, exist_ok=True)
        headers = matching_headers(self._plan, query)
        if query.kind == "metadata":
            return write_metadata_packages(
                headers,
                self._factory,
                query.service,
                out_dir,
                request_id,
                max_records=max_documents_per_package,
            )
        return write_xml_packages(
            headers,
            self._factory,
            out_dir,
            request_id,
            max_documents=max_documents_per_package,
            max_bytes=max_package_bytes,
        )

    def documents(self, query: CorpusQuery) -> Iterator[CorpusDocument]:
        """The documents a query matches, one at a time, with their XML."""
        for header in matching_headers(self._plan, query):
            yield CorpusDocument(
                uuid=header.uuid,
                issuer_rfc=header.issuer.rfc,
                receiver_rfc=header.receiver.rfc,
                document_type=header.tipo,
                issued_at=header.fecha,
                cancelled_at=header.cancelled_at,
                xml=self._factory.xml(header),
            )

    def lookup(self, uuid: str) -> CorpusDocument | None:
        """One document by UUID (any letter case) with its whole future (every cancellation, however
        late), or None if this corpus never issued it; callers apply their own clock."""
        key = self._plan.key_of(uuid)
        if key is None:
            return None
        header = self._plan.header(key)
        return CorpusDocument(
            uuid=header.uuid,
            issuer_rfc=header.issuer.rfc,
            receiver_rfc=header.receiver.rfc,
            document_type=header.tipo,
            issued_at=header.fecha,
            cancelled_at=header.cancelled_at,
            xml=self._factory.xml(header),
        )

    def document(self, uuid: str) -> bytes | None:
        """The XML of one document by UUID (any letter case), or None if this corpus never issued it."""
        key = self._plan.key_of(uuid)
        return None if key is None else self._factory.xml(self._plan.header(key))
