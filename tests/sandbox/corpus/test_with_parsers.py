"""The project's own parsers read what the corpus writes without a single reject."""

from __future__ import annotations

from pathlib import Path

from etl.parse.documents import parse_documents
from etl.parse.metadata import parse_metadata_package

from ._helpers import corpus_for, query


def test_the_cfdi_parser_loads_every_generated_cfdi_with_its_payments_payroll_and_relations() -> None:
    corpus = corpus_for(per_month=60)
    documents = [
        (d.uuid, d.xml)
        for direction in ("emitidos", "recibidos")
        for d in corpus.documents(query(direction, "xml", status="Todos"))
    ]
    batch = parse_documents(documents)
    assert batch.rejected == 0
    assert batch.frames["comprobantes"].height == len(documents)
    for table in ("pagos_documentos", "nominas", "cfdi_relacionados", "impuestos_locales"):
        assert batch.frames[table].height > 0, table


def test_the_metadata_parser_reads_every_record_and_third_party(tmp_path: Path) -> None:
    corpus = corpus_for(per_month=300)
    for service in ("cfdi", "retenciones"):
        q = query("emitidos", service=service, status="Todos")
        records = 0
        for package in corpus.write_packages(q, tmp_path / service, "REQ", 250):
            result = parse_metadata_package(package.path)
            assert result.rejects.height == 0
            records += result.record_count
        assert records == corpus.count(q)
