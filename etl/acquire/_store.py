"""The package store: each zip SAT hands out, kept once as `<sha256>.zip` (SAT serves one twice, for 72 h)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PackageStore", "StoredPackage"]


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

    def put(self, data: bytes) -> StoredPackage:
        """Keep a package; atomic (temp file, fsync, rename), so a crash never leaves half a zip behind."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if not target.is_file():
            fd, temp = tempfile.mkstemp(dir=self.root, prefix=".incoming-", suffix=".zip")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                Path(temp).replace(target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        return StoredPackage(sha256, len(data), target)

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
