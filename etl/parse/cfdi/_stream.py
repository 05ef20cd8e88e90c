"""A large CFDI read in one pass without keeping its tree: events and raw elements as the parser goes.

A document is large because of its many line items, payments or payroll lines, or because of a huge Addenda
or complement. Its tree (lxml's takes some 17 times the document's size) is never held whole: a pull parser
builds it as it reads, each element's events go to CfdiEvents, and an element is cleared and dropped from
its parent once it has ended, except inside an element kept raw, which is serialized when it ends and then
dropped too. The rows are those `CfdiEvents.feed_tree` and `_raw.raw_rows` give for the whole tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from etl.parse._xml import raw_xml, secure_pull_parser
from etl.parse.cfdi._events import KNOWN_TAGS, RAW_CHILDREN, CfdiEvents
from etl.parse.cfdi._raw import CONCEPTOS
from etl.parse.cfdi._rows import Row
from etl.parse.cfdi._tags import local_name, namespace_of

__all__ = ["stream_document"]

_FEED = 1 << 20  # bytes handed to the parser at a time


def stream_document(doc: int, data: bytes, events: CfdiEvents) -> list[Row]:
    """Send the document's events to `events` (already begun) and return its complementos_raw rows."""
    parser = secure_pull_parser()
    reader = _RawReader(doc)
    view = memoryview(data)
    for offset in range(0, len(view), _FEED):
        parser.feed(view[offset : offset + _FEED].tobytes())
        read: Iterator[tuple[str, Any]] = parser.read_events()  # start and end events carry elements
        for event, element in read:
            tag = element.tag
            if not isinstance(tag, str):
                continue  # entity references and the like carry no data
            if event == "start":
                events.start(tag, dict(element.attrib))
                reader.start(element, tag)
            else:
                events.end(tag)
                reader.end(element)
    parser.close()
    return reader.rows()


class _RawReader:
    """The raw elements of one document as the events come (the rule of `_raw.raw_rows`), each element
    dropped once it has ended."""

    def __init__(self, doc: int) -> None:
        self.doc = doc
        # (parent's visit, place among its raw children, row without its number and XML, the XML)
        self.found: list[tuple[int, int, tuple[Any, ...], str]] = []
        self.names: dict[tuple[str, str], tuple[str, str | None, str]] = {}
        # the elements being read that are not kept raw: [tag, place in document order among such
        # elements (raw rows are numbered by their parent's), number of the line item they are in, raw
        # children so far]
        self.path: list[list[Any]] = []
        # the raw element being read, its parent's visit, its place among its raw siblings, its row so far
        self.raw: tuple[etree._Element, int, int, tuple[Any, ...]] | None = None
        self.visits = self.conceptos = 0

    def start(self, element: etree._Element, tag: str) -> None:
        if self.raw is not None:
            return
        concepto = None
        if self.path:
            parent_tag, visit, concepto, _ = parent = self.path[-1]
            if parent_tag in RAW_CHILDREN or tag not in KNOWN_TAGS:
                parent[3] += 1
                names = self.names.get((parent_tag, tag))
                if names is None:  # made once per pair of tags, shared by their rows
                    names = self.names[parent_tag, tag] = (
                        local_name(parent_tag),
                        namespace_of(tag),
                        local_name(tag),
                    )
                version = element.get("Version") or element.get("version")
                self.raw = (element, visit, parent[3], (self.doc, names[0], concepto, *names[1:], version))
                return
        if tag in CONCEPTOS:
            self.conceptos += 1
            concepto = self.conceptos
        self.path.append([tag, self.visits, concepto, 0])
        self.visits += 1

    def end(self, element: etree._Element) -> None:
        raw = self.raw
        if raw is not None:
            if element is not raw[0]:
                return  # inside a raw element: kept until the element ends
            _, visit, place, row = raw
            self.found.append((visit, place, row, raw_xml(element)))
            self.raw = None
        else:
            self.path.pop()
        _drop(element)

    def rows(self) -> list[Row]:
        """The raw rows numbered as `raw_rows` numbers them: by parent in document order, then place."""
        found = self.found
        found.sort(key=lambda item: item[:2])
        rows: list[Row] = []
        for number, (_, _, (doc, where, *rest), xml) in enumerate(found, start=1):
            rows.append((doc, number, where, *rest, xml))
            found[number - 1] = _DONE  # each entry let go as its row is made: never both whole in memory
        return rows


_DONE = (0, 0, (), "")


def _drop(element: etree._Element) -> None:
    """Forget an element that has ended, and the siblings before it (ended and forgotten already)."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
