"""SAT's package zips, read as SAT makes them: documents and metadata in, decoys and hostile content out.

    for entry in iter_entries(path):          # one entry in memory at a time, whatever the package size
        entry.name, entry.kind, entry.data    # EntryKind.XML / METADATA / TERCEROS
        entry.uuid                            # XML: the TimbreFiscalDigital's UUID (not the file name)

    contents = read_package(path)             # small packages: everything at once, with what was skipped

Entries SAT puts in a package are at its root: `<UUID>.xml` (also `<UUID>.xml.xml`) for documents,
`<ID>_01.txt` for metadata and `<ID>_tercero.txt` for third parties, each recognised by content. Folders,
`__MACOSX/`, nested paths, empty files, files that are neither, and a second copy of the same document
are skipped and reported. A corrupt or empty zip, a path that climbs out of the package, and absurd
expansion (zip bombs) raise PackageError before any entry is handed out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from etl.parse.packages._entries import EntryKind, classify, skip_reason, stamp_uuid
from etl.parse.packages._zip import PackageError, ZipLimits, member_digest, open_package, read_member

__all__ = [
    "EntryKind",
    "OversizedEntry",
    "PackageContents",
    "PackageEntry",
    "PackageError",
    "PackageKind",
    "SkippedEntry",
    "ZipLimits",
    "iter_entries",
    "read_package",
]


class PackageKind(StrEnum):
    """What a package holds: XML documents (CFDI or Retenciones) or metadata text."""

    XML = "xml"
    METADATA = "metadata"


@dataclass(frozen=True, slots=True)
class PackageEntry:
    """One usable entry. `uuid` is the stamp's UUID, lower-case, for XML entries where it could be read
    without parsing; the document parser remains the authority on it."""

    name: str
    kind: EntryKind
    data: bytes = field(repr=False)
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class OversizedEntry:
    """An entry above the document bound: not read whole, only streamed for its sha256."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class PackageContents:
    """Everything usable in a package and everything skipped, with why."""

    name: str
    kind: PackageKind
    entries: list[PackageEntry]
    skipped: list[SkippedEntry]

    def of_kind(self, kind: EntryKind) -> list[PackageEntry]:
        return [entry for entry in self.entries if entry.kind is kind]


def iter_entries(
    path: Path | str,
    *,
    limits: ZipLimits | None = None,
    on_skip: Callable[[SkippedEntry], None] | None = None,
    max_document_bytes: int | None = None,
    on_oversized: Callable[[OversizedEntry], None] | None = None,
) -> Iterator[PackageEntry]:
    """Yield the package's usable entries in archive order, one at a time; report decoys to `on_skip`.

    With `max_document_bytes`, an entry larger than that is never held whole: it is streamed for its
    sha256 and reported to `on_oversized` (or to `on_skip`, with its size, when there is none).

    Raises PackageError (before yielding anything) for a corrupt or empty zip, path traversal or a zip
    bomb, and (while reading) for an entry whose data turns out corrupt.
    """
    path = Path(path)
    # A UUID already handed out: its entry's name, CRC and size, to tell a copy from a different document.
    seen: dict[str, tuple[str, int, int]] = {}
    with open_package(path, limits or ZipLimits()) as archive:
        for info in archive.infolist():
            reason = skip_reason(info.filename, info.file_size)
            if reason is None and max_document_bytes is not None and info.file_size > max_document_bytes:
                sha256 = member_digest(archive, info, path.name)
                if on_oversized is not None:
                    on_oversized(OversizedEntry(info.filename, sha256, info.file_size))
                    continue
                reason = (
                    f"{info.file_size:,} bytes, more than the {max_document_bytes:,} allowed for a document"
                )
            if reason is None:
                data = read_member(archive, info, path.name)
                kind = classify(data)
                if kind is None:
                    reason = "neither an XML document nor SAT metadata"
                else:
                    uuid = stamp_uuid(data) if kind is EntryKind.XML else None
                    first = seen.get(uuid) if uuid else None
                    if first is not None and first[1:] == (info.CRC, info.file_size):
                        reason = f"the same document as {first[0]} (UUID {uuid})"
                    else:
                        if uuid is not None and first is None:
                            seen[uuid] = (info.filename, info.CRC, info.file_size)
                        yield PackageEntry(info.filename, kind, data, uuid)
                        continue
            if on_skip is not None:
                on_skip(SkippedEntry(info.filename, reason))


def read_package(path: Path | str, *, limits: ZipLimits | None = None) -> PackageContents:
    """All of a (small) package at once: its kind, its usable entries and what was skipped."""
    path = Path(path)
    skipped: list[SkippedEntry] = []
    entries = list(iter_entries(path, limits=limits, on_skip=skipped.append))
    kinds = {PackageKind.XML if e.kind is EntryKind.XML else PackageKind.METADATA for e in entries}
    if not kinds:
        found = "; ".join(f"{s.name}: {s.reason}" for s in skipped)
        raise PackageError(path.name, "empty", f"holds no document and no metadata (only {found})")
    if len(kinds) > 1:
        raise PackageError(path.name, "mixed", "holds both XML documents and metadata, which SAT never mixes")
    return PackageContents(path.name, kinds.pop(), entries, skipped)
