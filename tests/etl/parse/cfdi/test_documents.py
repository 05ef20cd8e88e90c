"""etl.parse.documents: any document in, frames for every table out, in batches, on one or two processes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from etl.parse.documents import DOCUMENT_TABLES, iter_parsed_batches, parse_documents
from tests.paths import CFDI_FIXTURES

ENTRIES = [(p.name, p.read_bytes()) for p in sorted(CFDI_FIXTURES.glob("*.xml"))]
DIRTY = "CfdiUtils-cleaner-v32-dirty-errors.xml"


def test_a_batch_has_a_frame_matching_its_contract_for_every_table() -> None:
    batch = parse_documents(ENTRIES)
    assert set(batch.frames) == {table.name for table in DOCUMENT_TABLES}
    for table in DOCUMENT_TABLES:
        table.check(batch.frames[table.name])
    assert batch.documents == len(ENTRIES)
    assert batch.rejected == batch.rejects.height


@pytest.mark.parametrize(
    "kept",
    ["Comprobante", "Retenciones", "nothing", "only rejects"],
)
def test_a_batch_of_one_family_or_none_still_has_every_table_with_its_rows(kept: str) -> None:
    if kept == "nothing":
        entries: list[tuple[str, bytes]] = []
    elif kept == "only rejects":
        entries = [("roto.xml", b"<Comprobante"), ("otro.xml", b"<Factura/>")]
    else:
        entries = [(name, data) for name, data in ENTRIES if f":{kept} ".encode() in data[:4096]]
        assert entries, f"no shared fixture is a {kept}"
    batch = parse_documents(entries)
    assert set(batch.frames) == {table.name for table in DOCUMENT_TABLES}
    for table in DOCUMENT_TABLES:
        table.check(batch.frames[table.name])
    cfdi, retenciones = batch.frames["comprobantes"].height, batch.frames["retenciones"].height
    assert cfdi + retenciones + batch.rejected == len(entries)
    assert (cfdi > 0, retenciones > 0) == (kept == "Comprobante", kept == "Retenciones")
    if kept == "only rejects":
        assert batch.rejects["source"].to_list() == ["roto.xml", "otro.xml"]


def test_every_shared_fixture_loads_cfdi_and_retenciones_alike_but_the_malformed_one() -> None:
    batch = parse_documents(ENTRIES)
    assert batch.rejects["source"].to_list() == [DIRTY]
    loaded = (
        batch.frames["comprobantes"]["source"].to_list() + batch.frames["retenciones"]["source"].to_list()
    )
    assert sorted(loaded) == sorted(name for name, _ in ENTRIES if name != DIRTY)


def test_a_rejected_document_is_listed_with_its_source_hash_size_and_reason() -> None:
    data = dict(ENTRIES)[DIRTY]
    rejects = parse_documents([("ok.xml", dict(ENTRIES)["CfdiUtils-cfdi40-real.xml"]), (DIRTY, data)]).rejects
    assert rejects.to_dicts() == [
        {
            "source": DIRTY,
            "sha256": hashlib.sha256(data).hexdigest(),
            "tamano_bytes": len(data),
            "documento": "cfdi",
            "uuid": None,
            "motivo": "the TimbreFiscalDigital has no UUID",
        }
    ]


def test_a_document_of_no_known_kind_is_rejected_naming_its_root() -> None:
    rejects = parse_documents([("x.xml", b"<Factura/>"), ("empty.xml", b"")]).rejects
    reasons = dict(zip(rejects["source"], rejects["motivo"], strict=True))
    assert reasons["x.xml"].startswith("not a CFDI: the root element is Factura")
    assert reasons["empty.xml"].startswith("not well-formed XML")
    assert rejects["documento"].to_list() == [None, None]


@pytest.mark.slow
def test_two_processes_give_the_same_rows_as_one_in_the_same_batches() -> None:
    entries = [(f"{i}-{name}", data) for i in range(3) for name, data in ENTRIES]
    one = list(iter_parsed_batches(entries, batch_size=7, processes=1))
    two = list(iter_parsed_batches(entries, batch_size=7, processes=2))
    assert [b.documents for b in one] == [b.documents for b in two] == [7] * 7 + [5]
    assert [b.rejected for b in one] == [b.rejected for b in two]
    for in_one, in_two in zip(one, two, strict=True):
        assert in_one.frames.keys() == in_two.frames.keys()
        for table, frame in in_one.frames.items():
            assert frame.schema == in_two.frames[table].schema, table
            assert frame.equals(in_two.frames[table]), table


@pytest.mark.slow
def test_a_caller_stopping_early_leaves_the_worker_pool_usable_for_the_next_call() -> None:
    entries = ENTRIES * 4
    first = iter_parsed_batches(entries, batch_size=3, processes=2)
    assert next(first).documents == 3
    first.close()
    again = list(iter_parsed_batches(entries, batch_size=18, processes=2))
    assert [b.documents for b in again] == [18] * 4
    assert sum(b.rejected for b in again) == 4  # the malformed fixture, four times


def test_entries_are_read_lazily_one_batch_at_a_time() -> None:
    taken: list[int] = []

    def entries() -> Iterator[tuple[str, bytes]]:
        for i in range(10):
            taken.append(i)
            yield f"{i}.xml", ENTRIES[0][1]

    batches = iter_parsed_batches(entries(), batch_size=4)
    first = next(batches)
    assert first.documents == 4
    assert len(taken) == 4
    assert [b.documents for b in batches] == [4, 2]


def test_batch_size_and_processes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next(iter_parsed_batches(ENTRIES, batch_size=0))
