"""The shared secure parser and its repairs (etl.parse._xml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from etl.parse._xml import DocumentRejectedError, parse_tree, raw_xml
from tests.paths import CFDI_FIXTURES

_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"


def test_an_external_entity_is_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = f'<!DOCTYPE a [<!ENTITY e SYSTEM "file://{secret}">]><a>&e;</a>'.encode()
    root, _ = parse_tree(data)
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")


def test_a_huge_text_node_is_read_whole() -> None:
    text = "x" * 12_000_000
    root, repairs = parse_tree(f"<a>{text}</a>".encode())
    assert root.text is not None
    assert len(root.text) == 12_000_000
    assert repairs == ()


def test_a_utf8_bom_is_stripped_and_recorded() -> None:
    data = (CFDI_FIXTURES / "CfdiUtils-pagos10-sample-validacfd01.xml").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    root, repairs = parse_tree(data)
    assert root.tag == "{http://www.sat.gob.mx/cfd/3}Comprobante"
    assert repairs == ("bom_utf8",)


def test_xmlns_schema_location_is_rewritten_to_xsi_and_recorded() -> None:
    data = (CFDI_FIXTURES / "CfdiUtils-cleaner-v32-dirty-errors.xml").read_bytes()
    root, repairs = parse_tree(data)
    assert repairs == ("xmlns_schemaLocation",)
    location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert location is not None
    assert location.startswith("http://www.sat.gob.mx/cfd/3 ")


def test_undeclared_known_prefixes_are_declared_with_their_sat_namespace() -> None:
    data = (
        b'<cfdi:Comprobante Version="4.0"><cfdi:Complemento>'
        b'<tfd:TimbreFiscalDigital UUID="X"/></cfdi:Complemento></cfdi:Comprobante>'
    )
    root, repairs = parse_tree(data)
    assert root.tag == "{http://www.sat.gob.mx/cfd/4}Comprobante"
    assert root[0][0].tag == f"{{{_TFD}}}TimbreFiscalDigital"
    assert repairs == ("prefijo_no_declarado:cfdi", "prefijo_no_declarado:tfd")


def test_an_unknown_undeclared_prefix_gets_a_visible_placeholder_namespace() -> None:
    root, repairs = parse_tree(b'<a xmlns="urn:x"><zz:b/></a>')
    assert root[0].tag == "{urn:cfdi-etl:prefijo-no-declarado:zz}b"
    assert repairs == ("prefijo_no_declarado:zz",)


def test_leading_whitespace_before_the_declaration_is_removed_and_recorded() -> None:
    root, repairs = parse_tree(b'\n  <?xml version="1.0"?><a/>')
    assert root.tag == "a"
    assert repairs == ("espacio_antes_de_la_declaracion",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<a>&#xFFFFF0;</a>", "character reference"),
        (b"<a>\xff</a>", "Invalid bytes"),
        (b"<a><b></a>", "mismatch"),
        (b"", "not well-formed"),
    ],
)
def test_a_document_that_cannot_be_read_is_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentRejectedError, match="not well-formed XML") as refused:
        parse_tree(data)
    assert reason in refused.value.reason


def test_raw_xml_keeps_namespaces_and_drops_the_tail() -> None:
    root, _ = parse_tree(b'<a xmlns:p="urn:p"><p:b x="1"><c/></p:b>tail</a>')
    assert raw_xml(root[0]) == '<p:b xmlns:p="urn:p" x="1"><c/></p:b>'
