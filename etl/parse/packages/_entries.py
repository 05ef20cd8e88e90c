"""What each entry of a package is, told from its place and content, never from its name alone."""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["EntryKind", "classify", "skip_reason", "stamp_uuid"]

_BOM = b"\xef\xbb\xbf"
_SNIFF = 4096
# The stamp's start tag, whatever its prefix; its UUID attribute is read from that tag only, so the UUID
# of a CfdiRelacionado or of the stamp's schemaLocation text is never taken for the document's.
_STAMP_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?TimbreFiscalDigital\b[^>]*>")
_UUID_ATTRIBUTE = re.compile(
    rb"""\sUUID\s*=\s*["']([0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})["']"""
)
_METADATA_HEADER = re.compile(rb"^\s*uuid\s*~", re.IGNORECASE)
_TERCEROS_HEADER = re.compile(rb"^\s*uuid\s*~\s*rfcacuentaterceros\s*~", re.IGNORECASE)


class EntryKind(StrEnum):
    """The kinds of entry a reader gets: an XML document (CFDI or Retenciones), a metadata file, or the
    third-party file that goes with the metadata."""

    XML = "xml"
    METADATA = "metadata"
    TERCEROS = "terceros"


def skip_reason(filename: str, size: int) -> str | None:
    """Why an entry is not a document SAT put there (a decoy), from its place and size; None if it may be."""
    if filename.endswith("/"):
        return "a folder"
    if filename.startswith("__MACOSX/"):
        return "macOS metadata (__MACOSX/)"
    if "/" in filename.strip("/") or "\\" in filename:
        return "not at the root of the package"
    if size == 0:
        return "an empty file"
    return None


def classify(data: bytes) -> EntryKind | None:
    """The entry's kind by its content, or None when it is neither XML nor metadata."""
    head = data[:_SNIFF]
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    if head.lstrip()[:1] == b"<":
        return EntryKind.XML
    if _TERCEROS_HEADER.match(head):
        return EntryKind.TERCEROS
    if _METADATA_HEADER.match(head):
        return EntryKind.METADATA
    return None


def stamp_uuid(data: bytes) -> str | None:
    """The TimbreFiscalDigital UUID of a document, lower-case, read without parsing (None if not found).

    The document parser reads the stamp again properly; this is for telling duplicates apart cheaply.
    """
    for tag in _STAMP_TAG.finditer(data):
        found = _UUID_ATTRIBUTE.search(tag.group(0))
        if found is not None:
            return found.group(1).decode("ascii").lower()
    return None
