"""The package store: each zip SAT hands out, kept once as `<sha256>.zip` (SAT serves one twice, for 72 h)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
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
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        _check_zip(self._temp, self.size)
        sha256 = self._digest.hexdigest()
        target = self._store.path(sha256)
        if target.is_file():  # the same bytes kept before (the package was downloaded twice)
            self._temp.unlink()
        else:
            self._temp.replace(target)
        return StoredPackage(sha256, self.size, target)

    def discard(self) -> None:
        self._out.close()
        self._temp.unlink(missing_ok=True)


def _check_zip(path: Path, size: int) -> None:
    """A readable zip: its central directory opens, lists an entry, and every entry lies inside the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise DamagedPackageError(f"not a readable zip ({error})") from None
    if not entries:
        raise DamagedPackageError("a zip with no entries")
    outside = [e.filename for e in entries if e.header_offset + e.compress_size > size]
    if outside:
        raise DamagedPackageError(f"entry {outside[0]} reaches past the end of the file")
