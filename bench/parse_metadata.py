"""Metadata text to a typed frame, against Polars merely splitting the same bytes into string columns.

Target: `parse_metadata` on a 1,000,000-record file takes at most 2.5x the time of
`pl.read_csv(separator="~", quote_char=None, infer_schema=False)` on the same bytes. Both run in this
process on the same file, interleaved, several times; the best time of each is compared, since on a
shared machine the slower runs measure the neighbours. Two files: a clean one, and one where 1 record
in 10,000 has a line break inside a name (the repair path SAT's real files take).

    uv run --locked --no-sync python -m bench.parse_metadata [--records 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from etl.parse.metadata import parse_metadata

__all__ = ["main", "metadata_text"]

_HEADER = (
    "Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~"
    "EfectoComprobante~Estatus~FechaCancelacion"
)
_NAMES = (
    "ABARROTES SOLÍS SAPI DE CV",
    'DISTRIBUIDORA "LA ESPAÑOLA" SA',
    "PEÑA & ASOCIADOS SC",
    "NOÉ MARTÍNEZ",
)
_RFCS = ("EKU9003173C9", "SOI671116KJM", "JEN811208SP3", "PEÑ850101AB1", "XAXX010101000")
_PACS = ("CVD110412TF6", "SNF171020F3A", "LSO1306189R5")
_TARGET = 2.5


def metadata_text(records: int, seed: int, broken_every: int = 0) -> bytes:
    """A metadata file as SAT writes it: CRLF, no final newline, cancelled records ending in a date,
    vigente ones in '~'; with `broken_every`, every n-th record has a bare LF inside a name."""
    rng = random.Random(seed)
    lines = [_HEADER]
    for index in range(records):
        day, second = 1 + index % 28, index % 86_400
        emitted = f"2025-01-{day:02d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        cancelled = rng.random() < 0.04
        name = rng.choice(_NAMES)
        if broken_every and index % broken_every == 0:
            name = name.replace(" ", "\n", 1)
        document = uuid.UUID(int=rng.getrandbits(128), version=4)
        amount = f"{rng.randint(1, 9_999_999)}.{rng.randint(0, 99):02d}"
        status = "0~2025-02-03 10:00:00" if cancelled else "1~"
        lines.append(
            f"{document}~{rng.choice(_RFCS)}~{name}~{rng.choice(_RFCS)}~{rng.choice(_NAMES)}~{rng.choice(_PACS)}~"
            f"{emitted}~{emitted[:-2]}59~{amount}~{'IEPNT'[index % 5]}~{status}"
        )
    return "\r\n".join(lines).encode()


@dataclass(frozen=True, slots=True)
class Timing:
    """Best wall-clock and best CPU seconds (all threads) of several runs."""

    wall: float
    cpu: float


def _timed(run: Callable[[], object], repeat: int) -> Timing:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(min(walls), min(cpus))


def compare(data: bytes, repeat: int) -> tuple[Timing, Timing, int]:
    """The plain split's and the typed parse's timings, taken in turns, and the rows loaded."""
    split: list[Timing] = []
    typed: list[Timing] = []
    for _ in range(repeat):
        split.append(_timed(lambda: pl.read_csv(data, separator="~", quote_char=None, infer_schema=False), 1))
        typed.append(_timed(lambda: parse_metadata(data, "bench.txt"), 1))
    rows = parse_metadata(data, "bench.txt").frame.height
    best = [Timing(min(t.wall for t in ts), min(t.cpu for t in ts)) for ts in (split, typed)]
    return best[0], best[1], rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    threads = pl.thread_pool_size()
    print(f"metadata: {args.records:,} records, best of {args.repeat} interleaved runs, {threads} threads")
    print("wall: elapsed seconds (the target); cpu: seconds of all threads (steadier on a shared machine)")
    print(
        f"{'file':<26}{'MB':>7}{'split wall':>12}{'typed wall':>12}{'ratio':>7}"
        f"{'split cpu':>11}{'typed cpu':>11}{'ratio':>7}{'rows/s':>12}  target"
    )
    for label, broken_every in (("clean", 0), ("1 broken name in 10,000", 10_000)):
        data = metadata_text(args.records, seed=2026, broken_every=broken_every)
        split, typed, rows = compare(data, args.repeat)
        ratio = typed.wall / split.wall
        verdict = "met" if ratio <= _TARGET else "MISSED"
        print(
            f"{label:<26}{len(data) / 1e6:>7.1f}{split.wall:>12.3f}{typed.wall:>12.3f}{ratio:>7.2f}"
            f"{split.cpu:>11.3f}{typed.cpu:>11.3f}{typed.cpu / split.cpu:>7.2f}{rows / typed.wall:>12,.0f}"
            f"  <= {_TARGET}x {verdict}"
        )


if __name__ == "__main__":
    main()
