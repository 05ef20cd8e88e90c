"""The compiled extractor (etl/parse/cfdi/_extract.c) is a fast path, not a second parser: whatever it reads,
the
Python parser would have read to exactly the same frames, and whatever it declines, the Python parser reads.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import polars as pl
from hypothesis import HealthCheck, given, settings
from lxml import etree
from polars.testing import assert_frame_equal

from etl.parse._xml import DocumentRejectedError
from etl.parse.cfdi import CfdiCollector, _extract
from etl.parse.cfdi._native import mismatch, native_extractor
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
from schemas._kinds import BOOL, INT
from schemas.cfdi import CFDI_TABLES
from tests.etl.parse.cfdi._helpers import damaged_copies, fixture
from tests.paths import CFDI_FIXTURES, REPO_ROOT

_RFCS = ("EKU9003173C9", "M&A010101AB1")
_FIXTURES = sorted(p.name for p in CFDI_FIXTURES.glob("*.xml") if "retenciones" not in p.name)


def _corpus_documents() -> list[bytes]:
    """Issued and received CFDI of two RFCs over three months: every kind the corpus makes (I, E, P, N, T;
    3.3 and 4.0; Pagos, Nómina, ImpuestosLocales, related documents; names with & and Ñ)."""
    corpus = Corpus(CorpusConfig(seed=3, rfcs=_RFCS, documents_per_month=40))
    documents: list[bytes] = []
    for direction in ("emitidos", "recibidos"):
        query = CorpusQuery(
            service="cfdi",
            requester_rfc=_RFCS[1],
            direction=direction,
            start=datetime(2025, 1, 1),
            end=datetime(2025, 3, 31, 23, 59, 59),
            kind="xml",
            status="Vigente" if direction == "recibidos" else "Todos",
        )
        documents.extend(document.xml for document in corpus.documents(query))
    return documents


_CORPUS = _corpus_documents()


def _both_paths(documents: list[tuple[str, bytes]], *, same_reasons: bool = True) -> None:
    """Parse the batch on each path and require the same frames, row for row, and the same documents
    refused, for the same reasons unless `same_reasons=False`: in a damaged document, the Python path,
    which reads as it streams, may name a problem it meets before the syntax error a tree parse names."""
    results = []
    for compiled in (True, False):
        collector = CfdiCollector(compiled=compiled)
        assert collector.compiled is compiled
        refused: list[tuple[str, str]] = []
        for source, data in documents:
            try:
                collector.add(source, data)
            except DocumentRejectedError as rejected:
                refused.append((source, rejected.reason))
        frames, late = collector.finish()
        results.append((frames, refused + [(r.source, r.motivo) for r in late]))
    (compiled_frames, compiled_refused), (python_frames, python_refused) = results
    if same_reasons:
        assert compiled_refused == python_refused
    else:
        assert [source for source, _ in compiled_refused] == [source for source, _ in python_refused]
    for name, frame in python_frames.items():
        assert_frame_equal(compiled_frames[name], frame, check_exact=True)


def test_the_compiled_extractor_is_built_for_the_libxml2_lxml_runs() -> None:
    assert CfdiCollector().compiled, (
        "etl/parse/cfdi/_extract.c was not built or not loaded: is there a C compiler?"
    )


def test_the_compiled_extractor_reads_every_kind_of_document_the_corpus_makes() -> None:
    extractor = native_extractor()
    assert extractor is not None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    kinds: set[bytes] = set()
    for doc, data in enumerate(_CORPUS):
        root = etree.fromstring(data.removeprefix(b"\xef\xbb\xbf"), parser)
        assert extractor.add(root, doc) is not None, f"declined corpus document {doc}"
        kinds.add(str(root.get("TipoDeComprobante")).encode())
    assert kinds == {b"I", b"E", b"P", b"N", b"T"}
    frames = extractor.text_frames()
    assert frames["comprobantes"].height == len(_CORPUS)
    assert min(frames[name].height for name in ("pagos_documentos", "nomina_lineas", "cfdi_relacionados")) > 0


def test_both_paths_give_the_same_frames_for_the_corpus_and_every_real_document_mixed_in_one_batch() -> None:
    # real files interleaved with corpus ones: declined documents (3.2, Pagos 1.0 quirks, repairs) sit
    # between compiled ones, and rows must still come out in document order
    real = [(name, fixture(name)) for name in _FIXTURES]
    batch: list[tuple[str, bytes]] = []
    for index, data in enumerate(_CORPUS):
        batch.append((f"corpus-{index}.xml", data))
        if index < len(real):
            batch.append(real[index])
    batch.extend(real[len(_CORPUS) :])
    _both_paths(batch, same_reasons=False)


def _variants(data: bytes) -> dict[str, bytes]:
    """The same document as real files come: the defects the parser repairs or refuses."""
    stamp = data.find(b"<tfd:TimbreFiscalDigital")
    end = data.find(b"/>", stamp) + 2
    return {
        "bom": b"\xef\xbb\xbf" + data,
        "ampersand": data.replace(b'Nombre="', b'Nombre="A &amp; B &#38; C ', 1),
        "stamp-twice": data[:end] + data[stamp:end] + data[end:],
        "no-stamp": data[:stamp] + data[end:],
        "addenda": data.replace(
            b"</cfdi:Comprobante>", b"<cfdi:Addenda><x>1</x></cfdi:Addenda></cfdi:Comprobante>"
        ),
        "unknown-complement": data.replace(
            b"<cfdi:Complemento>", b'<cfdi:Complemento><o:Otro xmlns:o="urn:o"/>'
        ),
        "bad-amount": data.replace(b'Total="', b'Total="x', 1),
        "nested-comprobante": data.replace(b"<cfdi:Complemento>", b"<cfdi:Complemento><cfdi:Comprobante/>"),
        "tax-out-of-place": data.replace(
            b"<cfdi:Conceptos>", b'<cfdi:Traslado Base="1" Impuesto="002"/><cfdi:Conceptos>', 1
        ),
    }


def test_both_paths_agree_on_repaired_refused_and_declined_variants_of_a_document() -> None:
    original = fixture("CfdiUtils-cfdi40-real.xml")
    variants = _variants(original)
    assert all(variant != original for variant in variants.values())
    _both_paths([(name, data) for name, data in variants.items()])


def test_an_ampersand_in_an_attribute_reads_as_one_character_on_both_paths() -> None:
    data = _variants(fixture("CfdiUtils-cfdi40-real.xml"))["ampersand"]
    for compiled in (True, False):
        collector = CfdiCollector(compiled=compiled)
        collector.add("a.xml", data)
        names = collector.finish()[0]["comprobantes"]["nombre_emisor"].to_list()
        assert names[0].startswith("A & B & C "), (compiled, names)


_VICTIM = fixture("CfdiUtils-pagos20-calculator-001.xml")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged=damaged_copies(_VICTIM))
def test_both_paths_agree_on_any_damaged_document(damaged: bytes) -> None:
    batch = [("before.xml", _CORPUS[0]), ("damaged.xml", damaged), ("after.xml", _CORPUS[1])]
    _both_paths(batch, same_reasons=False)


def test_an_idle_extractor_hands_over_empty_frames_of_the_right_types() -> None:
    extractor = native_extractor()
    assert extractor is not None
    frames = extractor.text_frames()
    assert frames["comprobantes"].height == 0
    assert frames["comprobantes"].schema["doc"] == pl.Int64()
    assert frames["comprobantes"].schema["complementos"] == pl.List(pl.String())
    assert frames["conceptos"].schema["numeros_pedimento"] == pl.List(pl.String())


# Columns the collector fills after extraction, from the batch rather than from the XML: the stamp UUID by
# ordinal, conversions to MXN, repairs and source, and the numbering of tax lines across the batch.
_FILLED_AFTER_EXTRACTION = {
    "comprobantes": {
        "uuid",
        *(f"{name}_mxn" for name in ("sub_total", "descuento", "total")),
        "total_impuestos_trasladados_mxn",
        "total_impuestos_retenidos_mxn",
        "reparaciones",
        "source",
    },
    "impuestos": {"uuid", "numero"},
    "pagos": {"uuid", "monto_mxn"},
}


def test_the_compiled_extractors_column_tables_are_the_schemas_columns() -> None:
    """A column added to, renamed in or dropped from schemas/cfdi.py fails here until _extract.c's table
    (COMPROBANTES, CONCEPTOS, ... at the top of the file) says the same."""
    extractor = native_extractor()
    assert extractor is not None
    columns = extractor._extractor.finish()
    assert set(columns) == {table.name for table in CFDI_TABLES}
    for table in CFDI_TABLES:
        _, extracted = columns[table.name]
        names = [name for name, *_ in extracted]
        assert names[0] == "doc"
        after = _FILLED_AFTER_EXTRACTION.get(table.name, {"uuid"})
        expected = [name for name in table.names if name not in after]
        assert len(names[1:]) == len(set(names[1:]))
        assert sorted(names[1:]) == sorted(expected), table.name
        # numbers the extractor counts itself (positions, flags) are ints; everything read is text
        for name, kind, *_ in extracted[1:]:
            if kind == "i":
                assert table.column(name).kind in (INT, BOOL), f"{table.name}.{name}"


def test_an_extractor_built_for_another_lxml_or_libxml2_is_refused_saying_why() -> None:
    running = ((2, 14, 6), "6.1.3", 40)
    assert mismatch((21406, "6.1.3", 40), running) is None
    assert mismatch((21406, "6.0.0", 40), running) == (
        "the compiled CFDI extractor was built for lxml 6.0.0 (running 6.1.3): parsing in Python only, "
        "to the same results, slower (reinstall the project to rebuild it: make setup)"
    )
    both = mismatch((21300, "5.4.0", 48), running)
    assert both is not None
    assert "libxml2 21300 (lxml runs 2.14.6) and lxml 5.4.0 (running 6.1.3) and an lxml element of 48" in both


def test_the_running_lxml_is_the_one_the_extractor_was_built_for() -> None:
    running = (etree.LIBXML_VERSION, etree.__version__, etree._Element.__basicsize__)
    built = (_extract.LIBXML_VERSION, _extract.LXML_VERSION, _extract.ELEMENT_SIZE)
    assert mismatch(built, running) is None


def test_handing_over_a_batch_does_not_import_pandas() -> None:
    """pyarrow's pa.array() imports pandas when it is installed: seconds and ~50 MB in every process."""
    script = (
        "import sys\n"
        "from etl.parse.cfdi._native import native_extractor\n"
        "native_extractor().text_frames()\n"
        "assert 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO_ROOT)
