"""`make bench`: every benchmark, one after another, each in its own process so peak memory is its own.

    uv run --locked --no-sync python -m bench [NAME ...]

Each benchmark prints its figures and the ratios it is judged by; run one alone with
`python -m bench.NAME --help` for its options (smaller volumes for a quick look).
"""

from __future__ import annotations

import subprocess
import sys

__all__ = ["BENCHMARKS", "main"]

# Cheapest first, so a quick look at the early figures does not wait on the 200,000-document ones.
BENCHMARKS = (
    "parse_metadata",
    "parse_xml",
    "warehouse_load",
    "lists",
    "package_memory",
    "large_document",
    "corpus_generation",
    "end_to_end",
    "dashboard",
)


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    failed = []
    for name in chosen:
        print(f"\n=== bench.{name} ===", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
