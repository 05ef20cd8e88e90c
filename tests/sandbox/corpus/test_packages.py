"""Packages look like SAT's, count what `count` says, and never serve received cancelled XML."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from sandbox.corpus import CFDI_METADATA_HEADER, RETENCIONES_METADATA_HEADER
from tests.paths import REPO_ROOT

from ._helpers import RFCS, TFD, attr, corpus_for, metadata_rows, parse, query, xml_entries


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    q = query("emitidos", "xml", status="Todos")
    first = corpus_for(seed=5).write_packages(q, tmp_path / "a", "REQ", 50)
    again = corpus_for(seed=5).write_packages(q, tmp_path / "b", "REQ", 50)
    other = corpus_for(seed=6).write_packages(q, tmp_path / "c", "REQ", 50)
    assert [p.sha256 for p in first] == [p.sha256 for p in again]
    assert [p.path.read_bytes() for p in first] == [p.path.read_bytes() for p in again]
    assert {p.sha256 for p in first}.isdisjoint(p.sha256 for p in other)


_IN_ANOTHER_PROCESS = """
import sys
from datetime import datetime
from pathlib import Path
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
corpus = Corpus(CorpusConfig(seed=5, rfcs=("EKU9003173C9", "M&A010101AB1"), documents_per_month=80))
q = CorpusQuery("cfdi", "EKU9003173C9", "emitidos", datetime(2025, 1, 1), datetime(2025, 3, 31, 23, 59, 59),
                "xml", status="Todos")
print(" ".join(p.sha256 for p in corpus.write_packages(q, Path(sys.argv[1]), "REQ", 50)))
"""


def test_another_process_with_another_hash_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    q = query("emitidos", "xml", status="Todos")
    here = [p.sha256 for p in corpus_for(seed=5).write_packages(q, tmp_path / "here", "REQ", 50)]
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", _IN_ANOTHER_PROCESS, str(tmp_path / "there")],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
    )
    assert done.stdout.split() == here


@pytest.mark.parametrize(
    "filters",
    [
        {"direction": "emitidos", "status": "Todos"},
        {"direction": "emitidos", "status": "Cancelado"},
        {"direction": "recibidos", "status": "Vigente"},
        {"direction": "recibidos", "status": "Todos", "document_type": "P"},
        {"direction": "emitidos", "status": "Todos", "complement": "nomina12"},
        {"direction": "recibidos", "status": "Todos", "service": "retenciones"},
    ],
)
def test_metadata_records_match_the_count_and_the_filters(tmp_path: Path, filters: dict[str, str]) -> None:
    corpus = corpus_for()
    q = query(**filters)  # type: ignore[arg-type]
    packages = corpus.write_packages(q, tmp_path, "REQ", 70)
    rows, _ = metadata_rows([p.path for p in packages])
    assert len(rows) == corpus.count(q) == sum(p.document_count for p in packages) > 0
    assert len({row["Uuid"] for row in rows}) == len(rows)
    for row in rows:
        assert RFCS[0] in (row["RfcEmisor"], row["RfcReceptor"])
        assert "2025-01-01 00:00:00" <= row["FechaEmision"] <= "2025-03-31 23:59:59"
        if filters["status"] == "Cancelado":
            assert row["Estatus"] == "0"
            assert row["FechaCancelacion"] > row["FechaEmision"]
        if filters["status"] == "Vigente":
            assert (row["Estatus"], row["FechaCancelacion"]) == ("1", "")
        if "document_type" in filters:
            assert row["EfectoComprobante"] == filters["document_type"]


def test_received_cancelled_xml_is_not_served_but_their_metadata_is(tmp_path: Path) -> None:
    corpus = corpus_for()
    metadata, _ = metadata_rows(
        [p.path for p in corpus.write_packages(query("recibidos", status="Todos"), tmp_path / "m", "M")]
    )
    cancelled = {row["Uuid"] for row in metadata if row["Estatus"] == "0"}
    assert cancelled
    xml_query = query("recibidos", "xml", status="Todos")
    entries = xml_entries([p.path for p in corpus.write_packages(xml_query, tmp_path / "x", "X")])
    served = {name.split(".")[0].upper() for name in entries}
    assert served == {row["Uuid"] for row in metadata} - cancelled
    assert corpus.count(xml_query) == len(served)


def test_issued_cancelled_xml_is_served(tmp_path: Path) -> None:
    corpus = corpus_for()
    cancelled = corpus.count(query("emitidos", "xml", status="Cancelado"))
    assert cancelled > 0
    assert corpus.count(query("emitidos", "xml", status="Todos")) == corpus.count(
        query("emitidos", status="Todos")
    )


def test_xml_packages_carry_sat_quirks_and_entry_names_are_the_stamp_uuid(tmp_path: Path) -> None:
    corpus = corpus_for(per_month=300)
    q = query("emitidos", "xml", status="Todos")
    entries = xml_entries([p.path for p in corpus.write_packages(q, tmp_path, "REQ")])
    names = list(entries)
    assert any(name.endswith(".xml.xml") for name in names)
    assert any(name[:8].islower() for name in names)
    assert any(name[:8].isupper() for name in names)
    assert any(data.startswith(b"\xef\xbb\xbf") for data in entries.values())
    for name, data in entries.items():
        stamp = parse(data).find(f"*/{TFD}TimbreFiscalDigital")
        assert stamp is not None
        assert attr(stamp, "UUID").upper() == name.split(".")[0].upper()


def test_metadata_text_has_crlf_records_names_with_line_breaks_and_quotes_and_a_third_party_file(
    tmp_path: Path,
) -> None:
    corpus = corpus_for(per_month=300)
    q = query("emitidos", status="Todos")
    [package] = corpus.write_packages(q, tmp_path, "4E1B0000-AAAA-BBBB-CCCC-000000000001")
    with zipfile.ZipFile(package.path) as archive:
        assert sorted(archive.namelist()) == [
            "4E1B0000-AAAA-BBBB-CCCC-000000000001_01.txt",
            "4E1B0000-AAAA-BBBB-CCCC-000000000001_tercero.txt",
        ]
        text = archive.read("4E1B0000-AAAA-BBBB-CCCC-000000000001_01.txt")
    assert text.startswith(CFDI_METADATA_HEADER.encode() + b"\r\n")
    assert not text.endswith(b"\r\n")
    assert b"\n" in text.replace(b"\r\n", b"")  # a bare LF inside a name
    assert b'"' in text
    rows, third = metadata_rows([package.path])
    with_third = [row["Uuid"] for row in rows if row["Uuid"].lower() in third]
    assert with_third
    assert all(u.lower() in {r["Uuid"].lower() for r in rows} for u in third)
    assert corpus.count(query("emitidos", status="Todos", third_party_rfc=third[with_third[0].lower()])) >= 1


def test_retenciones_metadata_uses_its_documented_header(tmp_path: Path) -> None:
    corpus = corpus_for()
    [package] = corpus.write_packages(query("emitidos", service="retenciones", status="Todos"), tmp_path, "R")
    with zipfile.ZipFile(package.path) as archive:
        assert archive.read("R_01.txt").startswith(RETENCIONES_METADATA_HEADER.encode() + b"\r\n")


def test_packages_split_above_the_document_limit_and_above_the_byte_limit(tmp_path: Path) -> None:
    corpus = corpus_for()
    q = query("emitidos", "xml", status="Todos")
    total = corpus.count(q)
    by_count = corpus.write_packages(q, tmp_path / "n", "REQ", max_documents_per_package=100)
    assert [p.package_id for p in by_count][:2] == ["REQ_01", "REQ_02"]
    assert [p.document_count for p in by_count] == [100] * (total // 100) + (
        [total % 100] if total % 100 else []
    )
    by_size = corpus.write_packages(q, tmp_path / "b", "REQ", max_package_bytes=200_000)
    assert len(by_size) > 1
    assert sum(p.document_count for p in by_size) == total
    for package in by_size:
        with zipfile.ZipFile(package.path) as archive:
            assert sum(i.file_size for i in archive.infolist()) <= 200_000


def test_nothing_matching_writes_no_package(tmp_path: Path) -> None:
    corpus = corpus_for()
    q = query("emitidos", start=datetime(2025, 1, 1), end=datetime(2025, 1, 1, 0, 0, 1))
    assert corpus.count(q) == 0
    assert corpus.write_packages(q, tmp_path, "REQ") == []
    assert corpus.count(query("emitidos", rfc="XAXX010101000")) == 0
