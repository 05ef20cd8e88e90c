"""Namespaces of SAT's SOAP and the one safe way the sandbox parses what a client sends."""

from __future__ import annotations

from lxml import etree

__all__ = [
    "DES",
    "DS",
    "SOAP",
    "WSSE",
    "WSU",
    "XMLSchemaError",
    "local_name",
    "parse_envelope",
]

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
DES = "http://DescargaMasivaTerceros.sat.gob.mx"
DS = "http://www.w3.org/2000/09/xmldsig#"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"


class XMLSchemaError(ValueError):
    """The body is not XML, or not a SOAP envelope with a body."""


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not safe to share between the server's threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def parse_envelope(data: bytes) -> etree._Element:
    """Parse a SOAP envelope without resolving entities or touching the network; return `s:Body`."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise XMLSchemaError(f"the request is not well-formed XML: {error}") from None
    if root.tag != f"{{{SOAP}}}Envelope":
        raise XMLSchemaError("the request is not a SOAP 1.1 envelope")
    body = root.find(f"{{{SOAP}}}Body")
    if body is None:
        raise XMLSchemaError("the SOAP envelope has no Body")
    return body


def local_name(element: etree._Element) -> str:
    """The tag without its namespace (SAT has changed prefixes and case before; callers compare loosely)."""
    return etree.QName(element).localname
