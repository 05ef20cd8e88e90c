"""A document issued at 00:00:00 of the next month is staged under that month only, however it arrives."""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from etl.acquire import DownloadedPackage, LedgerEntry, RequestSpec, RequestState, StoredPackage
from etl.sat import Direction, RequestType, Service
from etl.staging import Stage, stage_partition
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
from schemas import DOCUMENT_ISSUE_DATES, Partition

RFC = "AAA010101AAA"
AUGUST, SEPTEMBER = date(2026, 8, 1), date(2026, 9, 1)
MIDNIGHT = "2026-09-01T00:00:00"  # the last instant a successor's period for August reaches
_DATE_OF_ISSUE = {Service.CFDI: b"Fecha", Service.RETENCIONES: b"FechaExp"}


def _package(folder: Path, service: Service, month: date) -> tuple[DownloadedPackage, str, set[str]]:
    """The issued XML of August as one package of a request for `month` whose period ends one second
    after August's (a successor's), its first document re-dated to 00:00:00 of September: the package,
    that document's UUID, and the others'."""
    corpus = Corpus(CorpusConfig(seed=7, rfcs=(RFC,), documents_per_month=3, retenciones_per_month=3))
    query = CorpusQuery(
        service=service.value,
        requester_rfc=RFC,
        direction="emitidos",
        start=datetime(2026, 8, 1),
        end=datetime(2026, 8, 31, 23, 59, 59),
        kind="xml",
    )
    documents = list(corpus.documents(query))
    attribute = _DATE_OF_ISSUE[service]
    moved = re.sub(rb" " + attribute + rb'="[^"]*"', b" " + attribute + b'="' + MIDNIGHT.encode() + b'"',
                   documents[0].xml, count=1)  # fmt: skip
    assert moved != documents[0].xml
    path = folder / f"{service.value}-{month:%Y-%m}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{documents[0].uuid}.xml", moved)
        for document in documents[1:]:
            archive.writestr(f"{document.uuid}.xml", document.xml)
    data = path.read_bytes()
    spec = RequestSpec(
        RFC, service, Direction.ISSUED, RequestType.XML, datetime.combine(month, datetime.min.time()),
        datetime.fromisoformat(MIDNIGHT) if month == AUGUST else datetime(2026, 9, 30, 23, 59, 59), month,
    )  # fmt: skip
    now = datetime.now(UTC)
    finished = RequestState.FINISHED
    entry = LedgerEntry(spec, None, finished, "id", 1, len(documents), 5000, "ok", now, now, now, now)
    stored = StoredPackage(hashlib.sha256(data).hexdigest(), len(data), path)
    others = {d.uuid.lower() for d in documents[1:]}
    return DownloadedPackage(entry, f"{service.value}_01", stored), documents[0].uuid.lower(), others


def _uuids(stage: Stage) -> dict[str, set[str]]:
    """Every staged table's UUIDs."""
    found: dict[str, set[str]] = {}
    for package in stage.packages:
        for frames in stage.frames(package):
            for table, frame in frames.items():
                if "uuid" in frame.columns:
                    found.setdefault(table, set()).update(frame["uuid"].cast(pl.String).to_list())
    return found


@pytest.mark.parametrize("service", [Service.CFDI, Service.RETENCIONES])
def test_a_document_issued_at_midnight_of_the_next_month_is_staged_under_that_month_only(
    tmp_path: Path, service: Service
) -> None:
    package, midnight, others = _package(tmp_path, service, AUGUST)
    august = _uuids(stage_partition(tmp_path / "staging", Partition(RFC, AUGUST), [package]))
    (header,) = set(DOCUMENT_ISSUE_DATES) & set(august)
    assert august[header] == others
    assert all(midnight not in uuids for uuids in august.values()), "its lines, taxes and payments go too"
    assert len(august) > 1  # the other documents' detail tables are staged

    # September's own request brings it again: there it is staged, with its detail rows.
    package, midnight, _ = _package(tmp_path, service, SEPTEMBER)
    september = _uuids(stage_partition(tmp_path / "staging", Partition(RFC, SEPTEMBER), [package]))
    assert september[header] == {midnight}
    assert sum(midnight in uuids for uuids in september.values()) > 1
