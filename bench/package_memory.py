"""Peak memory while a 200,000-document package is read and parsed in batches.

Builds a SAT-like package (`<UUID>.xml` entries at the root, deflated) of `--documents` CFDI 4.0 invoices
in a temporary folder, then, in a fresh process so that building it does not count, streams it through
`etl.parse.packages.iter_entries` and `etl.parse.documents.iter_parsed_batches` and prints that
process' peak RSS
(with `--processes 2`, plus its workers', as an upper bound). Target: under 1.5 GB whatever the package
size.
The frames of each batch are dropped once counted, as a loader would after staging them.

    uv run --locked --no-sync python -m bench.package_memory [--documents 200000] [--processes 1]
"""

from __future__ import annotations

import argparse
import itertools
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from etl.parse.documents import close_worker_pools, iter_parsed_batches
from etl.parse.packages import iter_entries
from sandbox.corpus import iter_cfdi40_invoices

__all__ = ["build_package", "main"]

_TARGET_BYTES = 1.5 * 2**30
_UUID = re.compile(rb'UUID="([0-9A-Fa-f-]{36})"')
# distinct documents generated; the package repeats them with a fresh stamp UUID each time
_DISTINCT = 2_000


def build_package(path: Path, documents: int, seed: int = 2026) -> None:
    """A package of `documents` distinct CFDI (distinct stamp UUIDs), written entry by entry."""
    templates = list(iter_cfdi40_invoices(min(documents, _DISTINCT), seed))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for index, template in zip(range(documents), itertools.cycle(templates), strict=False):
            stamp = str(uuid.UUID(int=(seed << 64) + index, version=4)).upper()
            archive.writestr(f"{stamp}.xml", _UUID.sub(f'UUID="{stamp}"'.encode(), template, count=1))


def _peak_rss_bytes(processes: int) -> int:
    """This process' peak plus, for worker processes (stopped by now), the largest worker's peak once per
    worker: an upper bound, since the workers need not peak at the same moment. ru_maxrss is in KiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    largest_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if processes > 1 else 0
    return (own + processes * largest_worker) * 1024


def _process(path: Path, processes: int, batch_size: int) -> None:
    started = time.perf_counter()
    documents = lines = rejected = 0
    entries = ((entry.name, entry.data) for entry in iter_entries(path))
    for batch in iter_parsed_batches(entries, batch_size=batch_size, processes=processes):
        documents += batch.frames["comprobantes"].height
        lines += batch.frames["conceptos"].height
        rejected += batch.rejected
    elapsed = time.perf_counter() - started
    close_worker_pools()  # a worker's peak is known once it has exited
    print(
        f"{documents:,} documents ({lines:,} lines, {rejected} rejected) in {elapsed:.1f} s, "
        f"{documents / elapsed:,.0f} docs/s"
    )
    peak = _peak_rss_bytes(processes)
    verdict = "MET" if peak < _TARGET_BYTES else "NOT MET"
    print(f"peak RSS {peak / 2**20:,.0f} MiB (target < {_TARGET_BYTES / 2**30:.1f} GiB): {verdict}")


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--documents", type=int, default=200_000)
    options.add_argument("--processes", type=int, default=1)
    options.add_argument("--batch-size", type=int, default=2_000)
    options.add_argument("--process", type=Path, help=argparse.SUPPRESS)  # the measured child's side
    args = options.parse_args(argv)
    if args.process is not None:
        _process(args.process, args.processes, args.batch_size)
        return
    with tempfile.TemporaryDirectory(prefix="cfdi-etl-bench-") as folder:
        package = Path(folder) / "package.zip"
        started = time.perf_counter()
        build_package(package, args.documents)
        print(
            f"package of {args.documents:,} documents, {package.stat().st_size / 2**20:,.0f} MiB zipped, "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        command = [
            sys.executable,
            "-m",
            "bench.package_memory",
            "--process",
            str(package),
            "--processes",
            str(args.processes),
            "--batch-size",
            str(args.batch_size),
        ]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
