"""A catalog for tests that need an exact answer size: it serves copies of SAT's own sample packages.

The synthetic corpus (`sandbox.corpus`) is what the sandbox serves by default; this one serves the
real, shared fixture zips so that counts (tope, several packages) are chosen by the test.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from sandbox import Query, WrittenPackage
from tests.paths import SAT_FIXTURES

__all__ = ["FixtureCatalog", "GatedCatalog"]


class FixtureCatalog:
    """Every query matches `documents` documents, packed `documents_per_package` to a copy of a sample zip."""

    def __init__(self, documents: int) -> None:
        self.documents = documents

    def count(self, query: Query) -> int:
        return self.documents

    def write_packages(
        self, query: Query, out_dir: Path, request_id: str, documents_per_package: int
    ) -> list[WrittenPackage]:
        sample = SAT_FIXTURES / "packages" / ("cfdi.zip" if query.request_type == "xml" else "metadata.zip")
        written = []
        remaining, number = self.documents, 1
        while remaining > 0:
            path = out_dir / f"{request_id}_{number:02d}.zip"
            shutil.copyfile(sample, path)
            count = min(remaining, documents_per_package)
            written.append(WrittenPackage(f"{request_id}_{number:02d}", path, count))
            remaining, number = remaining - count, number + 1
        return written


class GatedCatalog(FixtureCatalog):
    """A FixtureCatalog whose package writing waits for `gate`, to stop a server in the middle of it."""

    def __init__(self, documents: int) -> None:
        super().__init__(documents)
        self.gate = threading.Event()
        self.writing = threading.Event()

    def write_packages(
        self, query: Query, out_dir: Path, request_id: str, documents_per_package: int
    ) -> list[WrittenPackage]:
        self.writing.set()
        self.gate.wait(60)
        return super().write_packages(query, out_dir, request_id, documents_per_package)
