from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from etl.acquire import DamagedPackageError, PackageStore, StoredPackage


def _zip(text: str = "<cfdi/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("A.xml", text)
    return out.getvalue()


def _keep(store: PackageStore, data: bytes, piece: int = 7) -> StoredPackage:
    with store.receive() as incoming:
        for start in range(0, len(data), piece):
            incoming.write(data[start : start + piece])
        return incoming.keep()


def test_a_package_written_in_pieces_is_kept_once_under_its_sha256(tmp_path: Path) -> None:
    store = PackageStore(tmp_path / "packages")
    data = _zip()
    first = _keep(store, data)
    second = _keep(store, data, piece=3)
    assert first == second
    assert (first.sha256, first.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert first.path.read_bytes() == data
    assert sorted(p.name for p in (tmp_path / "packages").iterdir()) == [f"{first.sha256}.zip"]


@pytest.mark.parametrize("data", [b"PK\x03\x04 not a zip", _zip()[:-30], b""], ids=["junk", "cut", "empty"])
def test_what_is_not_a_readable_zip_is_refused_and_leaves_nothing_in_the_store(
    tmp_path: Path, data: bytes
) -> None:
    store = PackageStore(tmp_path)
    with pytest.raises(DamagedPackageError):
        _keep(store, data)
    assert list(tmp_path.iterdir()) == []


def test_a_zip64_package_of_more_than_65535_entries_is_kept(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(65_537):
            archive.writestr(f"{number}.xml", b"")
    data = out.getvalue()
    assert b"PK\x06\x06" in data[-200:]  # the archive does carry Zip64 end records
    store = PackageStore(tmp_path)
    assert _keep(store, data, piece=1 << 20).size == len(data)
    with pytest.raises(DamagedPackageError):
        _keep(store, data[:-100], piece=1 << 20)


def test_a_package_never_kept_leaves_nothing_behind(tmp_path: Path) -> None:
    store = PackageStore(tmp_path)
    with store.receive() as incoming:
        incoming.write(_zip()[:10])
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_stored_package_is_refused_with_what_to_do(tmp_path: Path) -> None:
    store = PackageStore(tmp_path)
    stored = _keep(store, _zip())
    stored.path.write_bytes(b"tampered")
    with pytest.raises(ValueError, match="damaged; delete it and rerun"):
        store.get(stored.sha256)
