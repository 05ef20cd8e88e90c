"""How fast the sandbox corpus generates and packages documents, and whether memory stays flat.

Each size runs in a fresh process (so its peak RSS is its own): one RFC, one month of `size` issued CFDI,
counted, then written as XML packages of 10,000 documents and as metadata. Printed side by side:
documents per second for each stage and peak RSS; memory is flat when the big run's peak is close to the
small run's.

    uv run --locked --no-sync python -m bench.corpus_generation [--sizes 20000 200000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery

__all__ = ["main", "measure"]

_RFC = "EKU9003173C9"
# A zip writer keeps one directory entry per member until the zip is closed (about 350 bytes each), so
# memory grows with the size of a package, not with the size of the request; both sizes use the same.
_PER_PACKAGE = 10_000


def measure(size: int) -> dict[str, float]:
    corpus = Corpus(CorpusConfig(seed=2026, rfcs=(_RFC,), documents_per_month=size, first_month="2025-01"))
    start, end = datetime(2025, 3, 1), datetime(2025, 3, 31, 23, 59, 59)

    def query(kind: str) -> CorpusQuery:
        return CorpusQuery("cfdi", _RFC, "emitidos", start, end, kind, status="Todos")  # type: ignore[arg-type]

    figures: dict[str, float] = {"size": size}
    with tempfile.TemporaryDirectory() as tmp:
        # Wall and CPU time both: on a shared machine the CPU time is the figure that says what it costs.
        wall, cpu = time.perf_counter(), time.process_time()
        figures["count"] = corpus.count(query("xml"))
        figures["count_s"], figures["count_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        packages = corpus.write_packages(query("xml"), Path(tmp) / "xml", "BENCH", _PER_PACKAGE)
        figures["xml_s"], figures["xml_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
        figures["xml_mb"] = sum(p.path.stat().st_size for p in packages) / 1e6
        wall, cpu = time.perf_counter(), time.process_time()
        corpus.write_packages(query("metadata"), Path(tmp) / "metadata", "BENCH")
        figures["metadata_s"], figures["metadata_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child)))
        return
    rows = []
    for size in args.sizes:
        command = [sys.executable, "-m", "bench.corpus_generation", "--child", str(size)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        rows.append(json.loads(done.stdout))
    print("corpus generation: one RFC, one month of issued CFDI, written as XML zips and as metadata")
    print("documents per second of CPU time (wall-clock in brackets), zipped size, peak resident memory")
    titles = ("documents", "count", "xml packages", "metadata", "zip MB", "peak RSS MB")
    print("".join(f"{title:>{width}}" for title, width in zip(titles, (10, 19, 17, 17, 9, 13), strict=True)))
    for row in rows:
        n = row["count"]
        print(
            f"{int(row['size']):>10,}"
            f" {n / row['count_cpu']:>9,.0f} ({n / row['count_s']:>6,.0f})"
            f" {n / row['xml_cpu']:>7,.0f} ({n / row['xml_s']:>6,.0f})"
            f" {n / row['metadata_cpu']:>7,.0f} ({n / row['metadata_s']:>6,.0f})"
            f" {row['xml_mb']:>8,.1f} {row['peak_rss_mb']:>12,.1f}"
        )
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        print(
            f"{big['size'] / small['size']:.0f}x the documents took"
            f" {big['peak_rss_mb'] / small['peak_rss_mb']:.2f}x the peak memory."
            f" {big['size']:,.0f} documents, wall-clock: count {big['count_s']:.1f} s,"
            f" XML packages {big['xml_s']:.0f} s, metadata {big['metadata_s']:.0f} s"
        )


if __name__ == "__main__":
    main()
