"""A sandbox catalog with one document per hour of any period: sizes are predictable, so splits are too."""

from __future__ import annotations

import uuid
import zipfile
from datetime import datetime
from pathlib import Path

from sandbox import Query, WrittenPackage

__all__ = ["HourlyCatalog"]


class HourlyCatalog:
    def count(self, query: Query) -> int:
        assert query.start is not None
        assert query.end is not None
        start, end = datetime.fromisoformat(query.start), datetime.fromisoformat(query.end)
        first = start.replace(minute=0, second=0) if start == start.replace(minute=0, second=0) else None
        hours = int((end - start).total_seconds() // 3600) + (1 if first is not None else 0)
        return max(hours, 0)

    def write_packages(
        self, query: Query, out_dir: Path, request_id: str, documents_per_package: int
    ) -> list[WrittenPackage]:
        total = self.count(query)
        packages: list[WrittenPackage] = []
        for number, offset in enumerate(range(0, total, documents_per_package), start=1):
            package_id = f"{request_id}_{number:02d}"
            path = out_dir / f"{package_id}.zip"
            documents = min(documents_per_package, total - offset)
            with zipfile.ZipFile(path, "w") as archive:
                for index in range(documents):
                    name = uuid.uuid5(uuid.NAMESPACE_URL, f"{query.key}/{offset + index}")
                    archive.writestr(f"{name}.xml", f"<documento n='{offset + index}'/>")
            packages.append(WrittenPackage(package_id, path, documents))
        return packages
