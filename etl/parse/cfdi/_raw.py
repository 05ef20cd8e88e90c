"""What no table models, kept whole: each unknown element (with its subtree) becomes a complementos_raw row.

The rule mirrors the event parser's: an element is raw when its tag is not one the parser knows, or when its
parent keeps all its children raw (Addenda, ComplementoConcepto, Nómina 1.1); nothing inside a raw element
is looked at separately.
"""

from __future__ import annotations

from lxml import etree

from etl.parse._xml import raw_xml
from etl.parse.cfdi._events import KNOWN_TAGS, RAW_CHILDREN
from etl.parse.cfdi._rows import Row
from etl.parse.cfdi._tags import CFD3, CFD4, local_name, namespace_of

__all__ = ["CONCEPTOS", "raw_rows"]

CONCEPTOS = frozenset({f"{{{CFD4}}}Concepto", f"{{{CFD3}}}Concepto"})


def raw_rows(doc: int, root: etree._Element) -> list[Row]:
    """complementos_raw rows (with the batch ordinal `doc` in place of the UUID) for one document."""
    rows: list[Row] = []
    conceptos = 0
    # iterative walk: (element, concepto_numero of the enclosing line item)
    stack: list[tuple[etree._Element, int | None]] = [(root, None)]
    while stack:
        parent, concepto = stack.pop()
        parent_tag = parent.tag
        keeps_children_raw = parent_tag in RAW_CHILDREN
        children: list[tuple[etree._Element, int | None]] = []
        for child in parent:
            tag: object = child.tag
            if not isinstance(tag, str):
                continue
            if keeps_children_raw or tag not in KNOWN_TAGS:
                version = child.get("Version") or child.get("version")
                rows.append(
                    (
                        doc,
                        0,
                        local_name(parent_tag),
                        concepto,
                        namespace_of(tag),
                        local_name(tag),
                        version,
                        raw_xml(child),
                    )
                )
                continue
            if tag in CONCEPTOS:
                conceptos += 1
                children.append((child, conceptos))
            else:
                children.append((child, concepto))
        stack.extend(reversed(children))
    return [(row[0], number, *row[2:]) for number, row in enumerate(rows, start=1)]
