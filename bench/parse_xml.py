"""CFDI XML into frames, against lxml merely parsing the same documents.

Prints, on the same documents in one run: `lxml.etree.fromstring` alone (the floor any parser pays), this
project's parser into typed frames on one process, and on two processes, with their ratios. Targets: the
parser reaches at least half of the raw parse rate on one core, and two processes at least 1.7x one.
Each measurement runs `--repeat` times, interleaved, and the best is kept: on a shared machine the slower
runs measure the neighbours. The two worker processes are started and have parsed a batch each before any
timing, as in a pipeline parsing package after package. Beside wall time the bench prints CPU time,
which neighbours inflate far less (only through shared caches): for two processes it adds the workers'
CPU (read from /proc) to this process', and the speed-up two idle cores would give follows from it
(2 x one process' CPU / two processes' CPU).
The documents are the sandbox corpus' ~9 KB CFDI 4.0 invoices (1–20 lines).

    uv run --locked --no-sync python -m bench.parse_xml [--documents 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from etl.parse._xml import secure_parser
from etl.parse.documents import close_worker_pools, iter_parsed_batches
from sandbox.corpus import iter_cfdi40_invoices

__all__ = ["main"]

_ONE_CORE_TARGET = 0.5
_TWO_PROCESS_TARGET = 1.7
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float | None:
    """CPU seconds used so far by this process' live children (the parse workers); None off Linux."""
    total = 0.0
    for child in multiprocessing.active_children():
        try:
            stat = Path(f"/proc/{child.pid}/stat").read_text()
        except OSError:
            return None
        # utime and stime are fields 14 and 15; the command name before them may hold spaces
        fields = stat.rpartition(")")[2].split()
        total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    return total


def _timed(run: Callable[[], object]) -> tuple[float, float | None]:
    """Wall-clock seconds of one run and the CPU seconds of this process and its children in it."""
    children = _children_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children_after = _children_cpu()
    if children is None or children_after is None:
        return wall, None
    return wall, cpu + children_after - children


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--documents", type=int, default=20_000)
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--batch-size", type=int, default=2_000)
    args = options.parse_args(argv)

    started = time.perf_counter()
    documents = list(iter_cfdi40_invoices(args.documents, seed=2026))
    entries = [(f"{i}.xml", data) for i, data in enumerate(documents)]
    size = sum(map(len, documents)) / len(documents)
    print(
        f"{len(documents):,} CFDI 4.0 documents, {size / 1024:.1f} KB on average "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )

    parser = secure_parser()

    def raw() -> None:
        for data in documents:
            etree.fromstring(data, parser)

    def parsed(processes: int) -> Callable[[], None]:
        def run() -> None:
            rows = 0
            for batch in iter_parsed_batches(entries, batch_size=args.batch_size, processes=processes):
                rows += batch.frames["comprobantes"].height
            assert rows == len(entries), f"{rows} documents parsed of {len(entries)}"

        return run

    # start both workers and let each parse a batch (imports, first-call costs) before anything is timed
    warm_up = entries[: 2 * args.batch_size]
    for _ in iter_parsed_batches(warm_up, batch_size=args.batch_size, processes=2):
        pass

    runs = {"raw": raw, "one": parsed(1), "two": parsed(2)}
    wall = dict.fromkeys(runs, float("inf"))
    cpu: dict[str, float | None] = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeat):
        for name, run in runs.items():
            seconds, cpu_seconds = _timed(run)
            wall[name] = min(wall[name], seconds)
            best = cpu[name]
            cpu[name] = None if cpu_seconds is None or best is None else min(best, cpu_seconds)
    close_worker_pools()

    count = len(documents)
    rate = {name: count / seconds for name, seconds in wall.items()}
    one_core, two_processes = rate["one"] / rate["raw"], rate["two"] / rate["one"]
    print(f"lxml.etree.fromstring alone          {rate['raw']:>9,.0f} docs/s")
    print(
        f"parser into frames, 1 process        {rate['one']:>9,.0f} docs/s   "
        f"{one_core:.2f} of raw (target >= {_ONE_CORE_TARGET})"
    )
    print(
        f"parser into frames, 2 processes      {rate['two']:>9,.0f} docs/s   "
        f"{two_processes:.2f}x one process (target >= {_TWO_PROCESS_TARGET})"
    )
    cpu_raw, cpu_one, cpu_two = cpu["raw"], cpu["one"], cpu["two"]
    one_core_cpu = two_processes_cpu = None
    if cpu_raw is not None and cpu_one is not None:
        one_core_cpu = cpu_raw / cpu_one
        print(
            f"on CPU time, 1 process: raw {count / cpu_raw:,.0f} docs/s, parser "
            f"{count / cpu_one:,.0f} docs/s, {one_core_cpu:.2f} of raw"
        )
    if cpu_one is not None and cpu_two is not None:
        two_processes_cpu = 2 * cpu_one / cpu_two
        print(
            f"on CPU time, 2 processes (parent + workers): {cpu_two / cpu_one:.2f}x one process' CPU per "
            f"document, so {two_processes_cpu:.2f}x one process on two idle cores"
        )
    print(f"one core:      {_verdict(one_core, one_core_cpu, _ONE_CORE_TARGET)}")
    print(f"two processes: {_verdict(two_processes, two_processes_cpu, _TWO_PROCESS_TARGET)}")


def _verdict(on_wall: float, on_cpu: float | None, target: float) -> str:
    wall = f"{'MET' if on_wall >= target else 'NOT MET'} on wall time"
    if on_cpu is None:
        return wall
    return f"{wall}, {'MET' if on_cpu >= target else 'NOT MET'} on CPU time"


if __name__ == "__main__":
    main()
