"""A large document is streamed (etl/parse/cfdi/_stream.py) and its line items turned into frames a chunk
at a time (_line_items.py): the frames are those of the tree paths, row for row, whatever the document.

`large_bytes=0` streams every document and a small SPILL_ROWS spills after a few line items, so small
generated documents stand for the large ones (those are measured in bench/large_document.py).
"""

from __future__ import annotations

import re

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import etl.parse.cfdi._line_items as line_items
from etl.parse._xml import DocumentRejectedError
from etl.parse.cfdi import CfdiCollector
from tests.etl.parse.cfdi._helpers import fixture
from tests.etl.parse.cfdi.test_compiled_extractor import _CORPUS, _FIXTURES, _variants

_CONCEPTO = re.compile(rb"<cfdi:Concepto .*?</cfdi:Concepto>", re.DOTALL)


@pytest.fixture(autouse=True)
def _spill_every_three_line_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(line_items, "SPILL_ROWS", 3)


def _parse(
    collector: CfdiCollector, documents: list[tuple[str, bytes]]
) -> tuple[dict[str, pl.DataFrame], list[str]]:
    refused: list[str] = []
    for source, data in documents:
        try:
            collector.add(source, data)
        except DocumentRejectedError:
            refused.append(source)
    frames, late = collector.finish()
    return frames, refused + [r.source for r in late]


def _same_as_tree_paths(documents: list[tuple[str, bytes]]) -> dict[str, pl.DataFrame]:
    streamed, streamed_refused = _parse(CfdiCollector(compiled=False, large_bytes=0), documents)
    for compiled in (True, False):
        frames, refused = _parse(CfdiCollector(compiled=compiled), documents)
        assert refused == streamed_refused
        for name, frame in frames.items():
            assert_frame_equal(streamed[name], frame, check_exact=True)
    return streamed


def _with_line_items(data: bytes, count: int) -> bytes:
    """The document with its first line item written `count` times (amounts no longer add up: no matter)."""
    found = _CONCEPTO.search(data)
    assert found is not None
    return data[: found.start()] + found.group(0) * count + data[found.end() :]


def test_streaming_gives_the_tree_paths_frames_for_the_corpus_and_every_real_document() -> None:
    batch = [(f"corpus-{i}.xml", data) for i, data in enumerate(_CORPUS)]
    batch += [(name, fixture(name)) for name in _FIXTURES]
    frames = _same_as_tree_paths(batch)
    assert frames["complementos_raw"].height > 0  # addenda and unknown complements were streamed too


def test_streaming_gives_the_tree_paths_frames_for_repaired_and_refused_variants() -> None:
    variants = _variants(fixture("CfdiUtils-cfdi40-real.xml"))
    _same_as_tree_paths(list(variants.items()))


def test_a_document_with_many_line_items_spilled_in_chunks_keeps_every_line_numbered_in_order() -> None:
    many = _with_line_items(_CORPUS[0], 50)
    frames = _same_as_tree_paths([("before.xml", _CORPUS[1]), ("many.xml", many), ("after.xml", _CORPUS[2])])
    mine = frames["comprobantes"].filter(pl.col("source") == "many.xml")["uuid"][0]
    lines = many.count(b"<cfdi:Concepto ")
    assert lines >= 50
    numbers = frames["conceptos"].filter(pl.col("uuid") == mine)["numero"].to_list()
    assert numbers == list(range(1, lines + 1))
    taxed = frames["impuestos"].filter((pl.col("uuid") == mine) & (pl.col("nivel") == "concepto"))
    assert set(taxed["concepto_numero"]) <= set(numbers)
    assert taxed.height >= 50


def test_a_large_document_refused_after_spilling_leaves_nothing_of_it_in_the_batch() -> None:
    many = _with_line_items(_CORPUS[0], 20)
    broken = many.replace(b"</cfdi:Conceptos>", b"</cfdi:Conceptos><cfdi:Comprobante/>", 1)  # refused
    badly_typed = many.replace(b'ValorUnitario="', b'ValorUnitario="x', 1)  # refused while typing
    good = [("before.xml", _CORPUS[1]), ("after.xml", _CORPUS[2])]
    alone, _ = _parse(CfdiCollector(compiled=False, large_bytes=0), good)
    for bad in (broken, badly_typed):
        batch = [good[0], ("bad.xml", bad), good[1]]
        frames, refused = _parse(CfdiCollector(compiled=False, large_bytes=0), batch)
        assert refused == ["bad.xml"]
        for name, frame in alone.items():
            assert_frame_equal(frames[name], frame, check_exact=True)


def test_a_huge_addenda_is_streamed_into_the_same_raw_rows_as_from_a_tree() -> None:
    addenda = (
        b"<cfdi:Addenda>"
        + b'<x:Linea xmlns:x="urn:x" n="1"><x:Dato>texto &amp; m\xc3\xa1s</x:Dato></x:Linea>' * 40
    )
    addenda += b"<y:Otro xmlns:y='urn:y'/></cfdi:Addenda>"
    data = _CORPUS[0].replace(b"</cfdi:Comprobante>", addenda + b"</cfdi:Comprobante>")
    frames = _same_as_tree_paths([("addenda.xml", data)])
    assert frames["complementos_raw"].filter(pl.col("ubicacion") == "Addenda").height == 41
