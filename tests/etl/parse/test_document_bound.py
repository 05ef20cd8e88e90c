"""One size bound for a document, loose file or zip entry: above it a reject with its size and sha256, read
a megabyte at a time and never held whole; batches close on bytes as well as on count."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from etl.parse.bound import read_document, too_large
from etl.parse.documents import Rejection, iter_parsed_batches
from etl.parse.packages import OversizedEntry, SkippedEntry, iter_entries
from tests.paths import CFDI_FIXTURES

GOOD = (CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml").read_bytes()


def test_a_loose_file_above_the_bound_is_a_reject_with_its_size_and_sha256(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(GOOD * 3)
    refused = read_document(big, len(GOOD))
    assert isinstance(refused, Rejection)
    assert (refused.sha256, refused.tamano_bytes) == (hashlib.sha256(GOOD * 3).hexdigest(), 3 * len(GOOD))
    assert f"{3 * len(GOOD):,} bytes, more than the {len(GOOD):,} allowed" in refused.motivo
    assert "CFDI_ETL_MAX_DOCUMENT_BYTES" in refused.motivo
    exact = tmp_path / "exact.xml"
    exact.write_bytes(GOOD)
    assert read_document(exact, len(GOOD)) == GOOD


def test_a_zip_entry_above_the_bound_is_reported_and_the_other_entries_are_read(tmp_path: Path) -> None:
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("small.xml", GOOD)
        archive.writestr("big.xml", GOOD * 3)
    oversized: list[OversizedEntry] = []
    names = [
        e.name for e in iter_entries(package, max_document_bytes=len(GOOD), on_oversized=oversized.append)
    ]
    assert names == ["small.xml"]
    assert oversized == [OversizedEntry("big.xml", hashlib.sha256(GOOD * 3).hexdigest(), 3 * len(GOOD))]
    # with no one to tell, it is a skipped entry that says why
    skipped: list[SkippedEntry] = []
    list(iter_entries(package, max_document_bytes=len(GOOD), on_skip=skipped.append))
    assert [s.name for s in skipped] == ["big.xml"]
    assert "more than the" in skipped[0].reason
    # the same reject, loose or zipped
    assert too_large("p.zip/big.xml", oversized[0].sha256, oversized[0].size, len(GOOD)).motivo == (
        read_document_reject(tmp_path, GOOD * 3, len(GOOD)).motivo
    )


def read_document_reject(folder: Path, data: bytes, bound: int) -> Rejection:
    path = folder / "loose.xml"
    path.write_bytes(data)
    refused = read_document(path, bound)
    assert isinstance(refused, Rejection)
    return refused


def test_a_batch_closes_when_its_documents_reach_the_byte_budget() -> None:
    entries = [(f"{k}.xml", GOOD) for k in range(5)]
    batches = list(iter_parsed_batches(entries, batch_size=100, batch_bytes=2 * len(GOOD)))
    assert [b.documents for b in batches] == [2, 2, 1]
    assert sum(b.frames["comprobantes"].height for b in batches) == 5
