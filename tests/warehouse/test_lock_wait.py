"""A writer meeting another process's hold on the warehouse waits for it, within a bound, saying so."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from warehouse import Warehouse, WarehouseError, WarehouseLockedError

_HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.read()  # until the test lets go
con.close()
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """Another process with the warehouse file open for writing, until its stdin is closed."""
    path = tmp_path / "cfdi.duckdb"
    Warehouse.open(path).close()
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "held\n"
    yield path, process
    process.kill()
    process.wait()


def test_a_writer_waits_for_another_processs_hold_and_opens_once_it_is_released(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, process = holder
    said: list[str] = []

    def release_when_told_to_wait(message: str) -> None:
        said.append(message)
        assert process.stdin is not None
        process.stdin.close()  # the other process lets go only once this writer waits

    opened: list[Warehouse] = []
    writer = threading.Thread(
        target=lambda: opened.append(Warehouse.open(path, lock_wait=60, say=release_when_told_to_wait))
    )
    writer.start()
    writer.join(timeout=60)
    assert opened, "the writer did not open the warehouse after the hold was released"
    opened[0].close()
    assert len(said) == 1
    assert f"(PID {process.pid})" in said[0]
    assert "waiting up to 60 s" in said[0]


def test_a_writer_gives_up_after_the_bound_naming_the_holder_and_the_setting(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, process = holder
    said: list[str] = []
    with pytest.raises(WarehouseLockedError) as refused:
        Warehouse.open(path, lock_wait=0.5, say=said.append)
    message = str(refused.value)
    assert f"(PID {process.pid})" in message
    assert "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS" in message
    assert "published copy" not in message  # that is for readers
    assert len(said) == 1


def test_a_reader_of_a_held_file_is_sent_to_the_published_copy_at_once(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, _ = holder
    with pytest.raises(WarehouseError, match="published copy"):
        Warehouse.open(path, read_only=True, lock_wait=60)
