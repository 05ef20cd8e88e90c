"""Reading one XML document safely: the one lxml parser configuration, the known repairs, the refusals.

Every XML document the project reads (CFDI, Retenciones, SAT responses if they want) goes through here so
that no parser anywhere resolves entities, loads a DTD or touches the network, and so that the defects
real files carry (`../shared/docs/cfdi-model.md`, "What real files look like") are repaired once, the same
way, and written down on the document.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from typing import NamedTuple, TypedDict, TypeVar

from lxml import etree

from etl.parse._uuid import canonical_uuid

__all__ = [
    "DocumentRejectedError",
    "Rejection",
    "parse_repaired",
    "parse_tree",
    "raw_xml",
    "secure_parser",
    "secure_pull_parser",
]

T = TypeVar("T")

XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Prefixes real files use without declaring them, and what they always mean. `cfdi` and `retenciones`
# depend on the document's version, read from the root element (see _namespace_for_prefix).
_KNOWN_PREFIXES: dict[str, str] = {
    "xsi": XSI,
    "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital",
    "pago10": "http://www.sat.gob.mx/Pagos",
    "pago20": "http://www.sat.gob.mx/Pagos20",
    "nomina12": "http://www.sat.gob.mx/nomina12",
    "nomina": "http://www.sat.gob.mx/nomina",
    "implocal": "http://www.sat.gob.mx/implocal",
}
# An undeclared prefix nobody knows still gets a namespace, so the element is kept (raw) and visibly odd.
_UNKNOWN_PREFIX_NAMESPACE = "urn:cfdi-etl:prefijo-no-declarado:"
_MAX_REPAIRS = 8

_BOM = b"\xef\xbb\xbf"
_UNDECLARED = re.compile(r"Namespace prefix ([A-Za-z_][\w.-]*) (?:on|for) .*?is not defined")
_ROOT_START = re.compile(rb"<(?![?!])[^>]*>", re.DOTALL)
_VERSION = re.compile(rb"""\b[Vv]ersion\s*=\s*["']([0-9.]+)["']""")


class DocumentRejectedError(Exception):
    """A document cannot be loaded; `reason` says why in the user's terms. Carries no document content."""

    def __init__(self, reason: str, uuid: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.uuid = uuid


class Rejection(NamedTuple):
    """One row of `documentos_rechazados` (schemas.rejects)."""

    source: str
    sha256: str
    tamano_bytes: int
    documento: str | None
    uuid: str | None
    motivo: str

    @classmethod
    def of(cls, source: str, data: bytes, documento: str | None, uuid: str | None, motivo: str) -> Rejection:
        return cls(source, hashlib.sha256(data).hexdigest(), len(data), documento, uuid, motivo).storable()

    def storable(self) -> Rejection:
        """This row as one the table always accepts: a stamp UUID that is not a UUID (a document may claim
        anything) is left null, the value it claimed kept in the reason."""
        if self.uuid is None:
            return self
        stored = canonical_uuid(self.uuid)
        motivo = self.motivo
        if stored is None and repr(self.uuid) not in motivo:
            motivo = f"{motivo} (its stamp UUID {self.uuid!r} is not a UUID)"
        return self._replace(uuid=stored, motivo=motivo)


_local = threading.local()


class _Options(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    huge_tree: bool
    remove_comments: bool
    remove_pis: bool


# The one set of parser options: no entities resolved, no DTD loaded, no network, huge text nodes allowed.
_SECURE = _Options(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=True,
    remove_comments=True,
    remove_pis=True,
)


def secure_parser(target: etree.ParserTarget | None = None) -> etree.XMLParser:
    """A parser that never resolves entities, loads a DTD or uses the network, and allows huge text nodes.

    Parsers are not thread-safe: build one per thread (the tree parser is cached per thread here).
    """
    return etree.XMLParser(target=target, **_SECURE)


def secure_pull_parser() -> etree.XMLPullParser:
    """A feed parser with the options of `secure_parser` that reports each element's start and end as it
    builds the tree: a caller that clears what it has read holds little of the tree at any time."""
    return etree.XMLPullParser(events=("start", "end"), **_SECURE)


def _tree_parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = secure_parser()
        _local.parser = parser
    return parser


def parse_tree(data: bytes) -> tuple[etree._Element, tuple[str, ...]]:
    """Parse a document into a tree, repairing known defects; DocumentRejectedError if it cannot be read."""
    return parse_repaired(data, lambda fixed: etree.fromstring(fixed, _tree_parser()))


def parse_repaired(data: bytes, parse: Callable[[bytes], T]) -> tuple[T, tuple[str, ...]]:
    """Run `parse` on the document, repairing the known defects one at a time while it fails.

    Returns what `parse` returned and the repairs made (empty for a clean file). `parse` must start from a
    fresh state on each call: it is called again after each repair.
    """
    repairs: list[str] = []
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        repairs.append("bom_utf8")
    if data[:1].isspace():
        data = data.lstrip()
        repairs.append("espacio_antes_de_la_declaracion")
    for _ in range(_MAX_REPAIRS):
        try:
            return parse(data), tuple(repairs)
        except etree.XMLSyntaxError as error:
            repaired = _repair(data, error)
            if repaired is None:
                raise DocumentRejectedError(f"not well-formed XML: {error.msg}") from None
            data, repair = repaired
            repairs.append(repair)
    raise DocumentRejectedError(f"not well-formed XML even after repairs {', '.join(repairs)}")


def _repair(data: bytes, error: etree.XMLSyntaxError) -> tuple[bytes, str] | None:
    message = error.msg or ""
    if "xmlns:schemaLocation" in message and b"xmlns:schemaLocation" in data:
        # SAT's own downloads carry it: the author meant xsi:schemaLocation.
        fixed = data.replace(b"xmlns:schemaLocation", b"xsi:schemaLocation")
        if b"xmlns:xsi=" not in fixed:
            fixed = _declare(fixed, "xsi", XSI)
        return fixed, "xmlns_schemaLocation"
    undeclared = _UNDECLARED.search(message)
    if undeclared and _ROOT_START.search(data):
        prefix = undeclared.group(1)
        return _declare(data, prefix, _namespace_for_prefix(data, prefix)), f"prefijo_no_declarado:{prefix}"
    return None


def _declare(data: bytes, prefix: str, namespace: str) -> bytes:
    """Add `xmlns:prefix="namespace"` to the root element's start tag."""
    root = _ROOT_START.search(data)
    assert root is not None  # callers check
    end = root.end() - (2 if data[root.end() - 2 : root.end()] == b"/>" else 1)
    declaration = f' xmlns:{prefix}="{namespace}"'.encode()
    return data[:end] + declaration + data[end:]


def _namespace_for_prefix(data: bytes, prefix: str) -> str:
    if prefix in _KNOWN_PREFIXES:
        return _KNOWN_PREFIXES[prefix]
    root = _ROOT_START.search(data)
    version_match = _VERSION.search(root.group(0)) if root else None
    version = version_match.group(1) if version_match else b""
    if prefix == "cfdi":
        return "http://www.sat.gob.mx/cfd/4" if version.startswith(b"4") else "http://www.sat.gob.mx/cfd/3"
    if prefix == "retenciones":
        major = "2" if version.startswith(b"2") else "1"
        return f"http://www.sat.gob.mx/esquemas/retencionpago/{major}"
    return _UNKNOWN_PREFIX_NAMESPACE + prefix


def raw_xml(element: etree._Element) -> str:
    """The element and everything inside it as XML text, namespaces declared, without its tail."""
    return etree.tostring(element, encoding="unicode", with_tail=False)
