"""The property of issue 12: whatever one document holds, the batch never raises, every good document lands
with the same values as alone, and each bad one lands (its repairs recorded) or is refused with a reason.

Documents are real fixtures (CFDI 3.3, 4.0, Pagos 1.0/2.0, Nómina, Retenciones 1.0/2.0) with defects drawn by
hypothesis: numeric attributes pushed to the limits of their types and beyond, attributes emptied, padded,
dropped or of the wrong type, dates that do not exist, elements removed or doubled, a second stamp. They are
mixed into batches of good documents and parsed on both parser paths (the compiled extractor and the Python
parser) and in a worker process. Derandomized with no example database, so CI sees the same examples.
"""

from __future__ import annotations

import copy
import functools
import re

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from polars.testing import assert_frame_equal

import etl.parse.documents as documents_module
from etl.parse._uuid import canonical_uuid
from etl.parse.cfdi import CfdiCollector
from etl.parse.documents import DOCUMENT_TABLES, ParsedBatch, iter_parsed_batches, parse_documents
from tests.paths import CFDI_FIXTURES

_TEMPLATES = sorted(p.name for p in CFDI_FIXTURES.glob("*.xml") if "cleaner" not in p.name)
_GOOD = ("CfdiUtils-cfdi40-valid.xml", "CfdiUtils-created-cfdi40-pago20-valid.xml")
_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
_HEADERS = ("comprobantes", "retenciones")

# Values no numeric, date or code attribute is ready for: the limits of DECIMAL(18,6) and beyond, exponents,
# signs, separators, dates that do not exist, text where a number goes, emptiness and padding.
_VALUES = (
    "0",
    "-0",
    "-1",
    "999999999999.999999",
    "-999999999999.999999",
    "9999999999999.9999999",
    "1" + "0" * 40,
    "0.0000001",
    "1e400",
    "-1E5",
    "NaN",
    "inf",
    "+3",
    "1,000.00",
    ".5",
    "9223372036854775808",
    "2023-02-30T10:00:00",
    "2023-13-01T00:00:00",
    "0000-00-00T00:00:00",
    "2024-02-29",
    "9999-12-31T23:59:59",
    "abc",
    "ñ€😀",
    "x" * 5000,
    "",
    "   ",
    "\t\n",
)

_DEFECTS = (
    "value",
    "padded",
    "dropped",
    "removed",
    "doubled",
    "moved",
    "every number at a limit",
    "second stamp",
)
# The limits of DECIMAL(18,6) (MONEY, QUANTITY, RATE) and just beyond, for every number of a document at once.
_LIMITS = ("999999999999.999999", "-999999999999.999999", "1000000000000", "0.000001", "0.0000001", "0")
_NUMBER = re.compile(r"-?\d+\.\d+")

_settings = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _template(name: str) -> bytes:
    return (CFDI_FIXTURES / name).read_bytes()


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str)]


def _spoil_attribute(draw: st.DrawFn, element: etree._Element, defect: str) -> None:
    names = sorted(element.attrib)
    if not names:
        return
    name = draw(st.sampled_from(names))
    if defect == "value":
        element.set(name, draw(st.sampled_from(_VALUES)))
    elif defect == "padded":
        element.set(name, f" {element.get(name)}\t ")
    else:
        del element.attrib[name]


def _every_number_at(root: etree._Element, limit: str) -> None:
    for element in _elements(root):
        for name, value in element.attrib.items():
            if _NUMBER.fullmatch(str(value)) and name.lower() != "version":
                element.set(name, limit)


def _second_stamp(root: etree._Element, uuid: str) -> None:
    stamps = list(root.iter(f"{{{_TFD}}}TimbreFiscalDigital"))
    if stamps:
        second = copy.deepcopy(stamps[0])
        second.set("UUID", uuid)
        stamps[0].addnext(second)


@st.composite
def _defective(draw: st.DrawFn) -> bytes:
    """A fixture with a fresh stamp UUID (so that its rows are told from the good documents') and one to
    three defects."""
    root = etree.fromstring(_template(draw(st.sampled_from(_TEMPLATES))))
    fresh = str(draw(st.uuids())).upper()
    for stamp in root.iter(f"{{{_TFD}}}TimbreFiscalDigital"):
        stamp.set("UUID", fresh)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        element = draw(st.sampled_from(_elements(root)))
        defect = draw(st.sampled_from(_DEFECTS))
        parent = element.getparent()
        if defect in ("value", "padded", "dropped"):
            _spoil_attribute(draw, element, defect)
        elif defect == "removed" and parent is not None:
            parent.remove(element)
        elif defect == "doubled" and parent is not None:
            element.addnext(copy.deepcopy(element))
        elif defect == "moved" and parent is not None:
            # under another element that is not inside it: a node where the schema has none
            others = [e for e in _elements(root) if e is not element and element not in e.iterancestors()]
            draw(st.sampled_from(others)).append(element)
        elif defect == "every number at a limit":
            _every_number_at(root, draw(st.sampled_from(_LIMITS)))
        elif defect == "second stamp":
            _second_stamp(root, str(draw(st.uuids())))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _parse_on(path: str, entries: list[tuple[str, bytes]]) -> ParsedBatch:
    """The batch with every CFDI through one path (Retenciones have one parser)."""
    compiled = path == "compiled"
    if compiled:
        assert CfdiCollector().compiled, "the compiled extractor was not built: is there a C compiler?"
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(
            documents_module._COLLECTORS, "cfdi", functools.partial(CfdiCollector, compiled=compiled)
        )
        return parse_documents(entries)


def _landed(batch: ParsedBatch) -> set[str]:
    return {s for name in _HEADERS for s in batch.frames[name]["source"]}


def _rows_of(batch: ParsedBatch, uuids: set[str]) -> dict[str, pl.DataFrame]:
    """Each table's rows of these documents, in a stable order, without lineage a batch gives them."""
    rows: dict[str, pl.DataFrame] = {}
    for table in DOCUMENT_TABLES:
        frame = batch.frames[table.name]
        if "uuid" not in frame.columns or table.name == "documentos_rechazados":
            continue
        rows[table.name] = frame.filter(pl.col("uuid").is_in(list(uuids))).sort(pl.all())
    return rows


@functools.cache
def _alone(path: str, name: str) -> tuple[str, dict[str, pl.DataFrame]]:
    """A good document's stamp UUID and its rows parsed alone (per path: the fixture is held per path)."""
    batch = _parse_on(path, [(name, _template(name))])
    uuid = batch.frames["comprobantes"]["uuid"][0]
    return uuid, _rows_of(batch, {uuid})


def _holds(batch: ParsedBatch, path: str, defective: list[tuple[str, bytes]]) -> None:
    for table in DOCUMENT_TABLES:
        table.check(batch.frames[table.name])
    landed = _landed(batch)
    refused = dict(zip(batch.rejects["source"], batch.rejects["motivo"], strict=True))
    for name in _GOOD:
        uuid, alone = _alone(path, name)
        assert name in landed, refused.get(name)
        assert name not in refused
        for table_name, rows in _rows_of(batch, {uuid}).items():
            assert_frame_equal(rows, alone[table_name], check_dtypes=True)
    for source, _ in defective:
        assert (source in landed) != (source in refused), source
        if source in refused:
            assert refused[source].strip(), f"{source} refused without a reason"
    for uuid in batch.rejects["uuid"]:
        assert uuid is None or canonical_uuid(uuid) == uuid  # the warehouse stores every reject


def _batch(defective: list[bytes]) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    bad = [(f"defective-{k}.xml", data) for k, data in enumerate(defective)]
    good = [(name, _template(name)) for name in _GOOD]
    return [good[0], *bad, good[1]], bad


@pytest.mark.parametrize("path", ["compiled", "python"])
@_settings
@given(defective=st.lists(_defective(), min_size=1, max_size=3))
def test_a_batch_with_defective_documents_never_raises_and_the_good_ones_land_as_alone(
    path: str, defective: list[bytes]
) -> None:
    entries, bad = _batch(defective)
    _holds(_parse_on(path, entries), path, bad)


@settings(_settings, max_examples=6)
@given(defective=st.lists(_defective(), min_size=1, max_size=3))
def test_a_worker_process_lands_and_refuses_the_same_documents_as_this_one(defective: list[bytes]) -> None:
    entries, bad = _batch(defective)
    # two batches on two processes: the first parsed here, the second (the same documents) in a worker
    here, worker = iter_parsed_batches(entries * 2, batch_size=len(entries), processes=2)
    _holds(worker, "compiled", bad)
    for table in DOCUMENT_TABLES:
        assert_frame_equal(worker.frames[table.name], here.frames[table.name])


@_settings
@given(defective=st.lists(_defective(), min_size=1, max_size=3))
def test_both_parser_paths_read_the_same_rows_and_refuse_the_same_defective_documents(
    defective: list[bytes],
) -> None:
    compiled, python = (_parse_on(path, _batch(defective)[0]) for path in ("compiled", "python"))
    assert _landed(compiled) == _landed(python)
    assert set(compiled.rejects["source"]) == set(python.rejects["source"])
    for table in DOCUMENT_TABLES:
        if table.name != "documentos_rechazados":  # reasons may name another first problem
            columns = pl.all().exclude(pl.List(pl.String()))
            assert_frame_equal(
                compiled.frames[table.name].sort(columns), python.frames[table.name].sort(columns)
            )
