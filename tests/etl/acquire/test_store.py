from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from etl.acquire import PackageStore


def test_a_package_is_kept_once_under_its_sha256(tmp_path: Path) -> None:
    store = PackageStore(tmp_path / "packages")
    data = b"PK\x03\x04 a zip's bytes"
    first = store.put(data)
    second = store.put(data)
    assert first == second
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.path.read_bytes() == data
    assert sorted(p.name for p in (tmp_path / "packages").iterdir()) == [f"{first.sha256}.zip"]


def test_a_damaged_stored_package_is_refused_with_what_to_do(tmp_path: Path) -> None:
    store = PackageStore(tmp_path)
    stored = store.put(b"original")
    stored.path.write_bytes(b"tampered")
    with pytest.raises(ValueError, match="damaged; delete it and rerun"):
        store.get(stored.sha256)
