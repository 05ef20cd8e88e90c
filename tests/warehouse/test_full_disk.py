"""`load-files` on a disk that fills during the load: said as such, the failed load recorded, nothing lost.

The disk is real: a small tmpfs mounted by the test (root only; skipped, saying why, where mounting is
impossible).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.paths import CFDI_FIXTURES
from warehouse import Warehouse

ISSUER = "EKU9003173C9"
_TEMPLATE = CFDI_FIXTURES / "CfdiUtils-cfdi33-valid.xml"
_TEMPLATE_UUID = "9FB6ED1A-5F37-4FEF-980A-7F8C83B51894"
_LEFT_FREE = 300 * 1024  # far less than a load of the documents below needs


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MiB filesystem of its own."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounter, unmounter = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mounter is None or unmounter is None:
        pytest.skip("mounting a small tmpfs for a full disk needs root and mount(8)")
    made = subprocess.run(
        [mounter, "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs on this machine: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run([unmounter, "-l", str(mount)], check=False)


def _documents(folder: Path, count: int) -> Path:
    folder.mkdir()
    template = _TEMPLATE.read_text(encoding="utf-8")
    for number in range(count):
        document = template.replace(_TEMPLATE_UUID, str(uuid.UUID(int=number + 1)).upper())
        (folder / f"{number}.xml").write_text(document, encoding="utf-8")
    return folder


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.truncate(0)
        handle.write(b"\0" * max(free - leave, 0))
    return filler


def test_a_load_on_a_disk_that_fills_says_so_records_the_failure_and_keeps_what_was_stored(
    disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(disk / "home"))
    runner = CliRunner()
    assert runner.invoke(main, ["load-files", str(CFDI_FIXTURES), "--rfc", ISSUER]).exit_code == 0
    path = disk / "home" / "warehouse" / "cfdi.duckdb"
    with Warehouse.open(path, read_only=True) as warehouse:
        before = warehouse.checksums()
    documents = _documents(tmp_path / "many", 3000)
    filler = _fill(disk, _LEFT_FREE)

    result = runner.invoke(main, ["load-files", str(documents), "--rfc", ISSUER])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: no space left on the disk holding the warehouse")
    assert "free some space and run again" in last
    filler.unlink()
    with Warehouse.open(path, read_only=True) as warehouse:
        assert warehouse.checksums() == before
        failed = warehouse.query("SELECT error FROM loads WHERE status = 'failed'")
    assert failed.height == 1
    assert "No space left on device" in failed["error"][0]

    again = runner.invoke(main, ["load-files", str(documents), "--rfc", ISSUER])
    assert again.exit_code == 0, again.output  # with space again, the same files load
