"""The package store: each zip SAT hands out, kept once as `<sha256>.zip` (SAT serves one twice, for 72 h)."""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["DamagedPackageError", "IncomingPackage", "PackageStore", "StoredPackage"]


class DamagedPackageError(ValueError):
    """What arrived as a package is not a readable zip: it is not kept."""


@dataclass(frozen=True, slots=True)
class StoredPackage:
    sha256: str
    size: int
    path: Path


class PackageStore:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / f"{sha256}.zip"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    @contextmanager
    def receive(self) -> Iterator[IncomingPackage]:
        """A package arriving: written to a temp file beside the store, kept only by `keep()`.

        Whatever is not kept (an answer that broke off, an exception) is deleted when the block ends, so
        the store never holds half a zip.
        """
        fd, temp = tempfile.mkstemp(dir=self.root, prefix=".incoming-", suffix=".zip")
        incoming = IncomingPackage(self, Path(temp), os.fdopen(fd, "wb"))
        try:
            yield incoming
        finally:
            incoming.discard()

    def get(self, sha256: str) -> StoredPackage:
        """A stored package, checked against its name: a damaged file is an error, never silently parsed."""
        target = self.path(sha256)
        digest = hashlib.sha256()
        size = 0
        with target.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != sha256:
            raise ValueError(
                f"package store file {target} does not match its sha256: it is damaged; delete it and rerun "
                "to download it again (SAT serves a package twice within 72 hours)"
            )
        return StoredPackage(sha256, size, target)


class IncomingPackage:
    """A package being written: its sha256 and size computed while writing, verified before it is kept."""

    def __init__(self, store: PackageStore, temp: Path, out: BinaryIO) -> None:
        self._store = store
        self._temp = temp
        self._out = out
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._out.write(data)

    def keep(self) -> StoredPackage:
        """Verify (a readable zip) and move it into the store atomically (fsync, rename)."""
        sha256 = self._verified()
        target = self._store.path(sha256)
        if target.is_file():  # the same bytes kept before (the package was downloaded twice)
            self._temp.unlink()
        else:
            self._temp.replace(target)
        return StoredPackage(sha256, self.size, target)

    def keep_as(self, target: Path) -> StoredPackage:
        """Verify it as `keep` does, then move it to `target` (beside the store's folder) instead of into the
        store: a package downloaded by hand, under the name its user asked for."""
        sha256 = self._verified()
        self._temp.replace(target)
        return StoredPackage(sha256, self.size, target)

    def _verified(self) -> str:
        """Written to disk (fsync) and a readable zip: its sha256; `DamagedPackageError` otherwise."""
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        _check_zip(self._temp, self.size)
        return self._digest.hexdigest()

    def discard(self) -> None:
        self._out.close()
        self._temp.unlink(missing_ok=True)


# The zip's end records (APPNOTE 4.3.16, 4.3.15, 4.3.14): read by hand so that checking a package of any
# number of entries costs a few bytes, where zipfile would build an object per entry.
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE, _DIRECTORY_SIGNATURE = b"PK\x05\x06", b"PK\x01\x02"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_LOCATOR_SIGNATURE, _ZIP64_END_SIGNATURE = b"PK\x06\x07", b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF


def _check_zip(path: Path, size: int) -> None:
    """A readable zip: its end record is there, names at least one entry, and its central directory starts
    where the record says (as `zipfile` finds it). A package cut short or not a zip fails here."""
    with path.open("rb") as f:
        tail_start = max(0, size - _END.size - _MAX_COMMENT)
        f.seek(tail_start)
        tail = f.read()
        at = tail.rfind(_END_SIGNATURE)
        if at < 0 or len(tail) - at < _END.size:
            raise DamagedPackageError("not a zip, or cut short: no end of central directory")
        _, _, _, _, entries, directory_size, directory_offset, _ = _END.unpack_from(tail, at)
        directory_end = tail_start + at
        if entries == 0xFFFF or 0xFFFFFFFF in (directory_size, directory_offset):
            entries, directory_size, directory_end = _zip64_end(f, directory_end)
        if entries == 0:
            raise DamagedPackageError("a zip with no entries")
        directory_start = directory_end - directory_size
        if directory_start < 0:
            raise DamagedPackageError("the central directory is larger than the file")
        f.seek(directory_start)
        if f.read(len(_DIRECTORY_SIGNATURE)) != _DIRECTORY_SIGNATURE:
            raise DamagedPackageError("no central directory where the end record puts it")


def _zip64_end(f: BinaryIO, end_record: int) -> tuple[int, int, int]:
    """Entries, central directory size and where it ends, from a Zip64 archive's own end records."""
    locator_at = end_record - _ZIP64_LOCATOR.size
    if locator_at < 0:
        raise DamagedPackageError("a Zip64 end record is missing")
    f.seek(locator_at)
    signature, _, record_at, _ = _ZIP64_LOCATOR.unpack(f.read(_ZIP64_LOCATOR.size))
    if signature != _ZIP64_LOCATOR_SIGNATURE or record_at > locator_at:
        raise DamagedPackageError("a Zip64 end record is missing")
    # The record sits right before its locator; `record_at` may be shifted by data before the zip.
    record_at = locator_at - _ZIP64_END.size
    f.seek(record_at)
    fields = _ZIP64_END.unpack(f.read(_ZIP64_END.size))
    if fields[0] != _ZIP64_END_SIGNATURE:
        raise DamagedPackageError("a Zip64 end record is damaged")
    return fields[7], fields[8], record_at
