"""The sandbox demo's warehouse, built once per test session (`cfdi-etl demo` in its own CFDI_ETL_HOME)
and shared by the xdist workers through a lock: every dashboard test reads its published copy."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from warehouse import Warehouse, published_path

__all__: list[str] = []

_DEMO = "from cli.main import main; main(['demo', '--months', '2'])"


def _build(home: Path) -> Path:
    warehouse = home / "warehouse" / "cfdi.duckdb"
    if not published_path(warehouse).exists():
        environment = {**os.environ, "CFDI_ETL_HOME": str(home)}
        result = subprocess.run(
            [sys.executable, "-c", _DEMO], env=environment, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (
            f"the sandbox demo failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return published_path(warehouse)


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published copy of the sandbox demo's warehouse (two months of the demo RFC). Read only."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # Under xdist every worker has its own basetemp inside one shared directory of this run.
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    home = shared / "dashboard-demo"
    home.mkdir(exist_ok=True)
    with (shared / "dashboard-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build(home)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def demo_warehouse(demo_copy: Path) -> Iterator[Warehouse]:
    """The demo's published copy, open read-only for the test to compute what the pages must show."""
    with Warehouse.open(demo_copy, read_only=True) as warehouse:
        yield warehouse


@pytest.fixture
def own_copy(demo_copy: Path, tmp_path: Path) -> Path:
    """A copy of the demo's published copy that the test may change."""
    target = tmp_path / "cfdi.published.duckdb"
    shutil.copyfile(demo_copy, target)
    return target
