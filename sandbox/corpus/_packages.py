"""Zips shaped like SAT's packages, written one document at a time so memory stays flat.

CFDI packages: one `<UUID>.xml` per document at the root. As at SAT, a few names are `<UUID>.xml.xml`,
some are lower case, and a few documents start with a UTF-8 BOM; each quirk is a hash of the UUID, so
the same request always gives the same bytes. Metadata packages: `<request id>_NN.txt` plus, when a record
has a third party, `<request id>_tercero.txt`."""

from __future__ import annotations

import hashlib
import itertools
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from ._documents import DocumentFactory
from ._draw import draw
from ._metadata import (
    CFDI_METADATA_HEADER,
    RETENCIONES_METADATA_HEADER,
    TERCEROS_HEADER,
    metadata_record,
    tercero_record,
)
from ._plan import Header

__all__ = ["PackageFile", "write_metadata_packages", "write_xml_packages"]

_BOM = b"\xef\xbb\xbf"
_CRLF = b"\r\n"


@dataclass(frozen=True, slots=True)
class PackageFile:
    """One zip written for a request: SAT's package id (`<request id>_01`, `_02`, ...), where it is, how
    many documents or records it holds, and the SHA-256 of its bytes."""

    package_id: str
    path: Path
    document_count: int
    sha256: str


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _entry(name: str, header: Header) -> zipfile.ZipInfo:
    # A fixed timestamp per entry (the stamp's) keeps the zip's bytes a function of the request alone.
    info = zipfile.ZipInfo(name, date_time=header.stamped.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def xml_entry_name(header: Header) -> tuple[str, bool]:
    """The entry's file name and whether its content starts with a BOM."""
    value = draw(0, "package-quirks", header.uuid)
    stem = header.uuid.lower() if value % 3 == 0 else header.uuid
    suffix = ".xml.xml" if value % 53 == 7 else ".xml"
    return stem + suffix, value % 25 == 11


class _Splitter:
    """Hands out package paths and ids, and records each finished package."""

    def __init__(self, out_dir: Path, request_id: str) -> None:
        self.out_dir = out_dir
        self.request_id = request_id
        self.packages: list[PackageFile] = []

    def next_id(self) -> str:
        return f"{self.request_id}_{len(self.packages) + 1:02d}"

    def finish(self, package_id: str, path: Path, count: int) -> None:
        self.packages.append(PackageFile(package_id, path, count, _sha256(path)))


def write_xml_packages(
    headers: Iterable[Header],
    factory: DocumentFactory,
    out_dir: Path,
    request_id: str,
    *,
    max_documents: int,
    max_bytes: int | None,
) -> list[PackageFile]:
    splitter = _Splitter(out_dir, request_id)
    archive: zipfile.ZipFile | None = None
    package_id, path, count, size = "", out_dir, 0, 0
    try:
        for header in headers:
            data = factory.xml(header)
            name, bom = xml_entry_name(header)
            if bom:
                data = _BOM + data
            full = archive is not None and (
                count >= max_documents or (max_bytes is not None and size + len(data) > max_bytes and count)
            )
            if archive is not None and full:
                archive.close()
                splitter.finish(package_id, path, count)
                archive = None
            if archive is None:
                package_id = splitter.next_id()
                path = out_dir / f"{package_id}.zip"
                archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
                count, size = 0, 0
            archive.writestr(_entry(name, header), data)
            count += 1
            size += len(data)
    finally:
        if archive is not None:
            archive.close()
    if archive is not None:
        splitter.finish(package_id, path, count)
    return splitter.packages


def _batches(headers: Iterable[Header], size: int) -> Iterator[Iterator[Header]]:
    """Consecutive runs of at most `size` headers; each run must be consumed before asking for the next."""
    iterator = iter(headers)
    for first in iterator:
        yield itertools.chain((first,), itertools.islice(iterator, size - 1))


def write_metadata_packages(
    headers: Iterable[Header],
    factory: DocumentFactory,
    family: Literal["cfdi", "retenciones"],
    out_dir: Path,
    request_id: str,
    *,
    max_records: int,
) -> list[PackageFile]:
    splitter = _Splitter(out_dir, request_id)
    title = CFDI_METADATA_HEADER if family == "cfdi" else RETENCIONES_METADATA_HEADER
    for batch in _batches(headers, max_records):
        package_id = splitter.next_id()
        path = out_dir / f"{package_id}.zip"
        count = 0
        with (
            tempfile.TemporaryFile() as terceros,
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            info = zipfile.ZipInfo(f"{package_id}.txt", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as text:
                text.write(title.encode())
                for header in batch:
                    record = metadata_record(header, factory.amounts(header))
                    text.write(_CRLF + record.encode())  # no CRLF after the last record, as at SAT
                    count += 1
                    third = factory.plan.third_party(header)
                    if third is not None:
                        terceros.write(_CRLF + tercero_record(header, third).encode())
            if terceros.tell():
                _copy_terceros(archive, terceros, request_id)
        splitter.finish(package_id, path, count)
    return splitter.packages


def _copy_terceros(archive: zipfile.ZipFile, terceros: IO[bytes], request_id: str) -> None:
    terceros.seek(0)
    info = zipfile.ZipInfo(f"{request_id}_tercero.txt", date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as out:
        out.write(TERCEROS_HEADER.encode())
        while chunk := terceros.read(1 << 20):
            out.write(chunk)
