"""Worker processes that parse batches, and how a batch travels to a worker and back: through files.

A batch of 2,000 documents is about 19 MB in and 15 MB of frames out. Through the executor's pipes it is
written 64 KB at a time by a background thread that needs the GIL between writes, which the parsing
thread holds: the worker sat idle for a fifth of the time waiting for its next batch (measured). So a
batch (names, sizes, documents) is written to a file (in /dev/shm, memory, where there is one) by the
thread that made it, the worker is told only which file, and the result comes back the same way. Input
files are slots, overwritten batch after batch: writing into pages already there takes half the time of
new ones. Frames in the result travel as Arrow IPC files of their own, which this process maps and hands
to Polars without copying, then unlinks (3-6 ms per batch to read, against 10-17 to unpickle).

Workers are spawned, not forked (forking a process that has imported Polars can deadlock), and kept for
the life of this process: starting one (it imports Polars and lxml) takes about a second.
"""

from __future__ import annotations

import atexit
import itertools
import mmap
import multiprocessing
import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

import polars as pl

__all__ = ["Shipment", "WorkerPool", "close_worker_pools", "forget_worker_pool", "worker_pool"]

T = TypeVar("T")
Entries = Sequence[tuple[str, bytes]]

# a private folder is made inside it with mkdtemp (0700, unpredictable name)
_SHARED_MEMORY = Path("/dev/shm")  # noqa: S108
_SHARED_MEMORY_NEEDED = 1 << 30  # a few batches of a few tens of MB each, with room to spare
_IOV_MAX = 1_000  # Linux allows 1,024 buffers per writev
_RESULT = "result.pickle"
_ROWS_WORTH_A_FILE = 1_000
_FRAME = ".arrow"


class Shipment(Generic[T]):
    """A batch handed to a worker: `result()` waits for it and reads what the worker made of it."""

    def __init__(self, pool: WorkerPool, slot: int, future: Future[None]) -> None:
        self._pool, self._slot, self._future = pool, slot, future

    def result(self) -> T:
        try:
            self._future.result()
            outbound = self._pool.outbound(self._slot)
            with (outbound / _RESULT).open("rb") as file:
                result: T = _FrameUnpickler(file, outbound).load()
            return result
        finally:
            self.discard()

    def discard(self) -> None:
        """Give up on the batch: nobody will read it. Its slot is free once the worker is done with it."""
        if not self._future.cancel() and not self._future.done():
            self._future.add_done_callback(lambda _: self.discard())
            return
        for frame in self._pool.outbound(self._slot).glob(f"*{_FRAME}"):  # those nobody read
            frame.unlink(missing_ok=True)
        self._pool.release(self._slot)


class WorkerPool:
    """Worker processes and the folder their batches pass through."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.folder = Path(tempfile.mkdtemp(prefix="cfdi-etl-batches-", dir=_batch_folder_base()))
        self._slots = itertools.count()
        self._free: list[int] = []
        self._lock = threading.Lock()
        spawn = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=spawn)
        # Workers run Polars on one thread: a batch gains nothing from more (one process parses as fast with
        # one as with two), while idle Polars threads spinning in one process take the core another parses
        # on (two workers and an idle parent: 1.31x one process with Polars' default threads, 1.47x with
        # one). A worker reads the variable when it starts, so every worker is started here, now.
        with _environment(POLARS_MAX_THREADS="1"):
            # each submit starts a worker while none is idle yet
            for future in [self._executor.submit(_started) for _ in range(workers)]:
                future.result()

    def submit(self, work: Callable[[Entries], T], entries: Entries) -> Shipment[T]:
        """Hand `work(entries)` to a worker; `work` must be a module-level function (it is sent by name)."""
        with self._lock:
            slot = self._free.pop() if self._free else next(self._slots)
        header = pickle.dumps(([name for name, _ in entries], [len(data) for _, data in entries]))
        pieces = [len(header).to_bytes(8, "little"), header, *(data for _, data in entries)]
        descriptor = os.open(self.inbound(slot), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            _write_all(descriptor, pieces)
            os.ftruncate(descriptor, sum(map(len, pieces)))
        finally:
            os.close(descriptor)
        future = self._executor.submit(_work_on_file, work, self.inbound(slot), self.outbound(slot))
        return Shipment(self, slot, future)

    def inbound(self, slot: int) -> Path:
        return self.folder / f"{slot}.in"

    def outbound(self, slot: int) -> Path:
        return self.folder / f"{slot}.out"

    def release(self, slot: int) -> None:
        with self._lock:
            self._free.append(slot)

    def close(self, *, wait: bool) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
        shutil.rmtree(self.folder, ignore_errors=True)


def _batch_folder_base() -> Path | None:
    """Shared memory when there is some with room (a container may have 64 MB), else the temp folder."""
    try:
        roomy = (
            os.access(_SHARED_MEMORY, os.W_OK)
            and shutil.disk_usage(_SHARED_MEMORY).free >= _SHARED_MEMORY_NEEDED
        )
    except OSError:
        return None
    return _SHARED_MEMORY if roomy else None


def _write_all(descriptor: int, pieces: list[bytes]) -> None:
    """Write the pieces one after another, a thousand per system call (half the time of a write each)."""
    for start in range(0, len(pieces), _IOV_MAX):
        batch = pieces[start : start + _IOV_MAX]
        written, expected = os.writev(descriptor, batch), sum(map(len, batch))
        if written < expected:  # a short write: the rest, the slow way
            rest = memoryview(b"".join(batch))[written:]
            while rest:
                rest = rest[os.write(descriptor, rest) :]


def _work_on_file(work: Callable[[Entries], object], inbound: Path, outbound: Path) -> None:
    """In the worker: read the batch, run `work` on it, leave the result where the parent looks."""
    with inbound.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = 8 + int.from_bytes(data[:8], "little")
        names, sizes = pickle.loads(data[8:start])  # noqa: S301 - written by our parent, in its 0700 folder
        entries = []
        for name, size in zip(names, sizes, strict=True):
            entries.append((name, data[start : start + size]))
            start += size
    result = work(entries)
    outbound.mkdir(exist_ok=True)
    descriptor = os.open(outbound / _RESULT, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        _FramePickler(out, outbound).dump(result)
        out.truncate()


class _FramePickler(pickle.Pickler):
    """Pickles a result with each Polars frame in it written beside it as an Arrow IPC file."""

    def __init__(self, file: BinaryIO, folder: Path) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._folder, self._frames = folder, itertools.count()

    def persistent_id(self, obj: object) -> str | None:
        if not isinstance(obj, pl.DataFrame) or obj.height < _ROWS_WORTH_A_FILE:
            return None  # pickled inline: most tables of most batches are empty
        name = f"{next(self._frames)}{_FRAME}"
        obj.write_ipc(self._folder / name, compression="uncompressed", compat_level=pl.CompatLevel.newest())
        return name


class _FrameUnpickler(pickle.Unpickler):
    """Reads what _FramePickler wrote: each frame mapped, not copied, and its file unlinked."""

    def __init__(self, file: BinaryIO, folder: Path) -> None:
        super().__init__(file)
        self._folder = folder

    def persistent_load(self, pid: object) -> pl.DataFrame:
        # pyarrow (~30 MB) only where a parse result is read: Dagster's other steps import this module too
        import pyarrow as pa

        path = self._folder / str(pid)
        with pa.memory_map(str(path)) as mapped:
            frame = pl.from_arrow(pa.ipc.open_file(mapped).read_all())
        path.unlink()  # the mapping stays valid while Polars holds it
        assert isinstance(frame, pl.DataFrame)
        return frame


def _started() -> None:
    """A worker's first task: nothing, so that it exists."""


@contextmanager
def _environment(**variables: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_pools: dict[int, WorkerPool] = {}
_pools_lock = threading.Lock()


def worker_pool(workers: int) -> WorkerPool:
    """The pool of `workers` processes, started on first use and kept for later calls."""
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = WorkerPool(workers)
        return pool


def close_worker_pools() -> None:
    """Stop the worker processes kept for later calls and remove their folders (also done at exit)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close(wait=True)


def forget_worker_pool(pool: WorkerPool) -> None:
    """A worker died (killed, out of memory): drop the pool, so that the next call starts afresh."""
    with _pools_lock:
        if _pools.get(pool.workers) is pool:
            del _pools[pool.workers]
    with suppress(Exception):
        pool.close(wait=False)


atexit.register(close_worker_pools)
