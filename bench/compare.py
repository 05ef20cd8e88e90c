"""Two checkouts' `bench.end_to_end`, run side by side on this machine: per step, the median and spread of
each and their ratio.

The runs alternate (A, B, A, B, ...) so that a busy spell on a shared machine falls on both; each run is
the checkout's own `python -m bench.end_to_end` in its own virtual environment (its compiled extractor
included), read from the figures it prints.

    uv run --locked --no-sync python -m bench.compare OTHER_CHECKOUT [--runs 5] [--documents 10000]
        [--this .]

OTHER_CHECKOUT is the baseline (e.g. a `git worktree add` of the commit before a change, `make setup`
there); ratios are this checkout / the baseline, above 1.00 slower. On a busy machine the best runs say more
than the medians (a neighbour only ever adds time), and the spread says how busy it was.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

__all__ = ["main", "read_figures"]

# "  sat_packages   1.05 s   peak   169 MB" and "parser alone, same documents:   5.24 s ..."
_STEP = re.compile(r"^  (?P<name>[a-z_]+)\s+(?P<seconds>[\d.]+) s\s+peak\s+(?P<peak>[\d,]+) MB$")
_PARSER = re.compile(r"^parser alone, same documents:\s+(?P<seconds>[\d.]+) s")


def read_figures(output: str) -> dict[str, tuple[float, float | None]]:
    """(seconds, peak MB or None) per step of one run's printed figures, and the parser alone's seconds."""
    figures: dict[str, tuple[float, float | None]] = {}
    for line in output.splitlines():
        if step := _STEP.match(line):
            figures[step["name"]] = (float(step["seconds"]), float(step["peak"].replace(",", "")))
        elif parser := _PARSER.match(line):
            figures["parser alone"] = (float(parser["seconds"]), None)
    if not figures:
        raise SystemExit(f"no figures in bench.end_to_end's output:\n{output}")
    return figures


def _run(checkout: Path, documents: int) -> dict[str, tuple[float, float | None]]:
    python = checkout / ".venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{checkout} has no .venv: run `make setup` there first")
    done = subprocess.run(
        [str(python), "-m", "bench.end_to_end", "--documents", str(documents)],
        cwd=checkout,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.end_to_end failed in {checkout}:\n{done.stdout}\n{done.stderr}")
    return read_figures(done.stdout)


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("baseline", type=Path)
    parser.add_argument("--this", type=Path, default=Path())
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=10_000)
    arguments = parser.parse_args()
    checkouts = {"base": arguments.baseline.resolve(), "this": arguments.this.resolve()}
    runs: dict[str, list[dict[str, tuple[float, float | None]]]] = {"base": [], "this": []}
    for number in range(arguments.runs):
        for side, checkout in checkouts.items():
            runs[side].append(_run(checkout, arguments.documents))
            print(f"run {number + 1}/{arguments.runs} {side} done", file=sys.stderr, flush=True)
    steps = [name for name in runs["base"][0] if name in runs["this"][0]]
    print(
        f"bench.end_to_end --documents {arguments.documents:,}, {arguments.runs} runs each, alternating; "
        "seconds as median (min-max); ratios this / base of the medians and of the best runs"
    )
    print(f"  base: {checkouts['base']}\n  this: {checkouts['this']}")
    heads = ("base s", 19), ("this s", 19), ("median", 7), ("best", 6), ("base MB", 8), ("this MB", 8)
    print(f"  {'step':<20}" + "".join(f" {head:>{width}}" for head, width in heads))
    for name in steps:
        seconds = [[run[name][0] for run in runs[side]] for side in runs]
        peaks = [[peak for run in runs[side] if (peak := run[name][1]) is not None] for side in runs]
        memory = "".join(f" {statistics.median(p):8,.0f}" if p else f" {'':>8}" for p in peaks)
        median = statistics.median(seconds[1]) / statistics.median(seconds[0])
        best = min(seconds[1]) / min(seconds[0])
        print(
            f"  {name:<20} {_summary(seconds[0]):>19} {_summary(seconds[1]):>19} {median:7.2f} {best:6.2f}"
            + memory
        )


if __name__ == "__main__":
    main()
