"""etl.parse._workers: batches go to worker processes and come back through files, which never pile up."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool

import polars as pl
import pytest

from etl.parse._workers import WorkerPool

pytestmark = pytest.mark.slow  # each test starts a worker process (about a second)


def _described(entries: Sequence[tuple[str, bytes]]) -> list[tuple[str, int, bytes]]:
    return [(name, len(data), data[:3]) for name, data in entries]


def _frames(entries: Sequence[tuple[str, bytes]]) -> dict[str, pl.DataFrame]:
    big = pl.DataFrame({"n": range(50_000), "text": [f"{i} ñ" for i in range(50_000)]})
    return {"big": big, "small": big.head(3), "empty": big.clear()}


def _die(entries: Sequence[tuple[str, bytes]]) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(1)
    yield pool
    pool.close(wait=False)


def test_a_batch_comes_back_whole_names_sizes_and_bytes(pool: WorkerPool) -> None:
    entries = [("a.xml", b"<a/>"), ("ñ & b.xml", b""), ("c.xml", bytes(range(256)) * 100)]
    assert pool.submit(_described, entries).result() == [
        ("a.xml", 4, b"<a/"),
        ("ñ & b.xml", 0, b""),
        ("c.xml", 25_600, bytes(range(3))),
    ]


def test_batch_files_are_reused_so_they_never_pile_up(pool: WorkerPool) -> None:
    for round_ in range(6):
        shipments = [pool.submit(_described, [(f"{round_}-{i}.xml", b"x" * (1000 - i))]) for i in range(3)]
        assert [s.result()[0][1] for s in shipments] == [1000, 999, 998]
    assert len(list(pool.folder.iterdir())) == 6  # three slots, in and out


def test_a_smaller_batch_in_a_reused_slot_reads_only_its_own_bytes(pool: WorkerPool) -> None:
    assert pool.submit(_described, [("big.xml", b"B" * 50_000)]).result() == [("big.xml", 50_000, b"BBB")]
    assert pool.submit(_described, [("small.xml", b"ss")]).result() == [("small.xml", 2, b"ss")]


def test_a_discarded_batch_frees_its_slot(pool: WorkerPool) -> None:
    pool.submit(_described, [("a.xml", b"a")]).discard()
    assert pool.submit(_described, [("b.xml", b"b")]).result() == [("b.xml", 1, b"b")]


def test_frames_come_back_equal_and_their_files_are_gone_once_read(pool: WorkerPool) -> None:
    frames = pool.submit(_frames, []).result()
    expected = _frames([])
    for name, frame in expected.items():
        assert frames[name].equals(frame), name
        assert frames[name].schema == frame.schema, name
    assert not list(pool.folder.glob("*/*.arrow"))
    assert frames["big"]["text"].str.len_chars().sum() > 0  # still readable after its file was unlinked


def test_a_worker_killed_mid_batch_is_reported_and_closing_removes_the_folder() -> None:
    pool = WorkerPool(1)
    with pytest.raises(BrokenProcessPool):
        pool.submit(_die, [("a.xml", b"a")]).result()
    pool.close(wait=False)
    assert not pool.folder.exists()
