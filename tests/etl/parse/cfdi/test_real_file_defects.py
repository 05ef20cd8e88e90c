"""The defects real files carry (cfdi-model.md, "What real files look like"): repaired and recorded, or the
one document refused with its reason while the rest of the batch loads."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from tests.etl.parse.cfdi._helpers import fixture, parse

pytestmark = pytest.mark.usefixtures("parser_path")  # each test on both parser paths

UUID = "c2832671-da6d-11ef-a83d-00155d012007"
BASE = fixture("CfdiUtils-cfdi40-real.xml")
TFD_NS = b'xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital"'
_TFD_START = BASE.index(b"<tfd:TimbreFiscalDigital")
_TFD_END = BASE.index(b"/>", _TFD_START) + 2
STAMP = BASE[_TFD_START:_TFD_END]
COMPLEMENTO = b"<cfdi:Complemento>"


def _other_uuid(stamp: bytes, uuid: bytes) -> bytes:
    return stamp.replace(b"C2832671-DA6D-11EF-A83D-00155D012007", uuid)


def test_an_undeclared_stamp_prefix_is_declared_recorded_and_the_stamp_read() -> None:
    result = parse(("a.xml", BASE.replace(TFD_NS, b"")))
    header = result.one("comprobantes", UUID)
    assert header["reparaciones"] == ["prefijo_no_declarado:tfd"]
    assert header["rfc_prov_certif"] == "TBN040609RKA"
    assert result.table("conceptos").height == 2


def test_xmlns_schema_location_is_repaired_and_the_document_loads() -> None:
    broken = BASE.replace(b" xsi:schemaLocation=", b" xmlns:schemaLocation=", 1)
    result = parse(("a.xml", broken))
    assert result.one("comprobantes", UUID)["reparaciones"] == ["xmlns_schemaLocation"]
    assert result.table("impuestos").height == 3


def test_other_prefixes_and_the_default_namespace_read_the_same() -> None:
    renamed = BASE.replace(b"cfdi:", b"ns2:").replace(b"xmlns:cfdi=", b"xmlns:ns2=")
    default = BASE.replace(b"cfdi:", b"").replace(b"xmlns:cfdi=", b"xmlns=")
    plain = parse(("plain.xml", BASE)).table("conceptos").drop("uuid")
    for variant in (renamed, default):
        result = parse(("v.xml", variant))
        assert result.rejected == {}
        assert result.table("conceptos").drop("uuid").equals(plain)


def test_the_stamp_in_a_second_complemento_is_found() -> None:
    moved = BASE.replace(STAMP, b"").replace(
        b"</cfdi:Complemento>", b"</cfdi:Complemento><cfdi:Complemento>" + STAMP + b"</cfdi:Complemento>", 1
    )
    header = parse(("a.xml", moved)).one("comprobantes", UUID)
    assert header["complementos"] == ["TimbreFiscalDigital"]
    assert header["reparaciones"] == []


def test_the_same_stamp_twice_is_recorded_but_two_different_stamps_are_refused() -> None:
    twice = BASE.replace(STAMP, STAMP + STAMP)
    other = BASE.replace(STAMP, STAMP + _other_uuid(STAMP, b"11111111-2222-3333-4444-555555555555"))
    result = parse(("twice.xml", twice), ("two.xml", other))
    assert result.one("comprobantes", UUID)["reparaciones"] == ["timbre_duplicado"]
    assert "two different stamps" in result.rejected["two.xml"]


def test_a_complement_reusing_cfdi_local_names_does_not_become_invoice_lines() -> None:
    terceros = (
        b'<terceros:PorCuentadeTerceros xmlns:terceros="http://www.sat.gob.mx/terceros" version="1.1">'
        b'<terceros:Concepto Importe="5"/><terceros:Traslado Impuesto="IVA" Importe="0.80"/>'
        b"</terceros:PorCuentadeTerceros>"
    )
    result = parse(("a.xml", BASE.replace(COMPLEMENTO, COMPLEMENTO + terceros)))
    assert result.table("conceptos").height == 2
    assert result.table("impuestos").height == 3
    header = result.one("comprobantes", UUID)
    assert header["complementos"] == ["PorCuentadeTerceros", "TimbreFiscalDigital"]
    raw = result.one("complementos_raw", UUID)
    assert (raw["ubicacion"], raw["elemento"], raw["version"]) == (
        "Complemento",
        "PorCuentadeTerceros",
        "1.1",
    )
    assert raw["namespace"] == "http://www.sat.gob.mx/terceros"
    assert '<terceros:Concepto Importe="5"/>' in str(raw["xml"])


def test_an_addenda_is_kept_raw_and_a_stamp_copy_inside_it_is_not_the_stamp() -> None:
    addenda = (
        b"<cfdi:Addenda><erp:Factura xmlns:erp='urn:erp'><erp:Pedido>77</erp:Pedido></erp:Factura>"
        + _other_uuid(STAMP, b"99999999-2222-3333-4444-555555555555")
        + b"</cfdi:Addenda>"
    )
    result = parse(("a.xml", BASE.replace(b"</cfdi:Comprobante>", addenda + b"</cfdi:Comprobante>")))
    header = result.one("comprobantes", UUID)
    assert header["tiene_addenda"] is True
    raw = result.of("complementos_raw", UUID).sort("numero")
    assert raw.select("ubicacion", "elemento").rows() == [
        ("Addenda", "Factura"),
        ("Addenda", "TimbreFiscalDigital"),
    ]
    assert "<erp:Pedido>77</erp:Pedido>" in raw["xml"][0]


def test_a_concept_complement_is_kept_raw_with_its_line_number() -> None:
    iedu = (
        b'<cfdi:ComplementoConcepto><iedu:instEducativas xmlns:iedu="http://www.sat.gob.mx/iedu" '
        b'version="1.0" CURP="XAXX010101HDFXXX01"/></cfdi:ComplementoConcepto></cfdi:Concepto>'
    )
    second_line_end = BASE.index(b"</cfdi:Concepto>", BASE.index(b"</cfdi:Concepto>") + 1)
    document = BASE[:second_line_end] + iedu + BASE[second_line_end + len(b"</cfdi:Concepto>") :]
    raw = parse(("a.xml", document)).one("complementos_raw", UUID)
    assert (raw["ubicacion"], raw["concepto_numero"], raw["elemento"]) == (
        "ComplementoConcepto",
        2,
        "instEducativas",
    )


def test_a_bad_amount_refuses_only_its_document_naming_the_column_and_value() -> None:
    bad = BASE.replace(b'Total="1000.00"', b'Total="1,000.00"').replace(
        b"C2832671-DA6D-11EF-A83D-00155D012007", b"0e4d3f44-0b1c-4a38-9f4b-0c9f1a2b3c4d"
    )
    result = parse(("bad.xml", bad), ("good.xml", BASE))
    assert result.rejected == {"bad.xml": "comprobantes.total: '1,000.00' is not a valid money"}
    assert result.table("comprobantes")["uuid"].to_list() == [UUID]
    assert result.table("conceptos")["uuid"].unique().to_list() == [UUID]
    assert result.table("impuestos")["uuid"].unique().to_list() == [UUID]


def test_a_malformed_stamp_uuid_refuses_the_document() -> None:
    result = parse(("a.xml", BASE.replace(b"C2832671-DA6D-11EF-A83D-00155D012007", b"not-a-uuid")))
    assert result.rejected == {"a.xml": "comprobantes.uuid: 'not-a-uuid' is not a valid uuid"}
    assert result.table("comprobantes").height == 0


def test_a_document_that_is_not_xml_is_refused_and_the_batch_goes_on() -> None:
    result = parse(("broken.xml", BASE[:2000]), ("junk.xml", b"\xff\xfe garbage"), ("good.xml", BASE))
    assert set(result.rejected) == {"broken.xml", "junk.xml"}
    assert all(reason.startswith("not well-formed XML") for reason in result.rejected.values())
    assert result.table("comprobantes")["source"].to_list() == ["good.xml"]
    assert result.table("conceptos").height == 2


def test_an_unsupported_version_and_a_foreign_root_are_refused_with_what_was_expected() -> None:
    result = parse(
        ("v5.xml", BASE.replace(b'Version="4.0"', b'Version="5.0"', 1)),
        ("other.xml", b'<x:Factura xmlns:x="urn:x"/>'),
    )
    assert result.rejected["v5.xml"] == "unsupported CFDI version '5.0': expected 4.0, 3.3, 3.2 or 3.0"
    assert result.rejected["other.xml"].startswith("not a CFDI: the root element is {urn:x}Factura")


def test_lower_case_stamp_uuids_and_related_uuids_are_normalised_to_lower_case() -> None:
    lower = BASE.replace(b"C2832671-DA6D-11EF-A83D-00155D012007", UUID.encode())
    result = parse(("a.xml", lower))
    assert result.table("comprobantes")["uuid"].to_list() == [UUID]
    related = parse(("r.xml", fixture("CfdiUtils-cfdi33-valid.xml"))).table("cfdi_relacionados")
    assert related["uuid_relacionado"].to_list() == ["a39da66b-52ca-49e3-879b-5c05185b0ef7"]


def test_a_rejected_document_leaves_no_rows_behind_even_when_it_failed_late() -> None:
    # the second stamp is only seen at the very end, after lines and taxes were already written
    other = BASE.replace(STAMP, STAMP + _other_uuid(STAMP, b"11111111-2222-3333-4444-555555555555"))
    result = parse(
        ("good.xml", BASE), ("two.xml", other), ("good2.xml", BASE.replace(UUID.upper().encode(), b"x"))
    )
    assert "two.xml" in result.rejected
    assert result.table("conceptos").height == 2
    assert result.table("impuestos")["importe"].to_list() == [
        Decimal("1.379310"),
        Decimal("136.551724"),
        Decimal("137.93"),
    ]
    assert pl.Series(result.table("impuestos")["uuid"]).unique().to_list() == [UUID]


def test_a_huge_addenda_text_node_is_read_whole_on_the_fast_path() -> None:
    text = b"x" * 12_000_000
    addenda = b"<cfdi:Addenda><erp:Nota xmlns:erp='urn:erp'>" + text + b"</erp:Nota></cfdi:Addenda>"
    result = parse(("big.xml", BASE.replace(b"</cfdi:Comprobante>", addenda + b"</cfdi:Comprobante>")))
    raw = result.one("complementos_raw", UUID)
    assert len(str(raw["xml"])) > 12_000_000
    assert result.one("comprobantes", UUID)["tiene_addenda"] is True
