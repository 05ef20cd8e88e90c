"""SAT's lists: loading a 600,000-row Art. 69 file and a 15,000-row 69-B list from a generator (SAT's
format: cp1252, CRLF, the 69-B preamble, quoted names with line breaks, notices, an Excel serial and two
dates in a cell now and then), each read and loaded in a process of its own so its peak memory is its
own; then `riesgo_69b` over a warehouse of 1,000,000 received CFDI (headers and IVA lines) from 20,000
suppliers, one in twenty of them on the 15,000-row list. Targets: the lists load streaming (peak memory
flat in the number of rows on the Python side); `riesgo_69b` under one second.

    uv run --locked --no-sync python -m bench.lists [--art69-rows 600000] [--art69b-rows 15000]
        [--documents 1000000]
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Iterable
from datetime import date, datetime
from multiprocessing.queues import Queue
from pathlib import Path

import polars as pl

from bench.warehouse_load import _synthetic
from etl.lists import read_list
from sandbox._lists import HEADER_69B
from schemas.cfdi import COMPROBANTES, IMPUESTOS
from warehouse import Warehouse

__all__ = ["main"]

_RFC = "EKU9003173C9"
_BATCH = 200_000
_SUPPLIERS = 20_000  # distinct counterparties of the documents; one in twenty is on the 69-B list
_LISTED_EVERY = 20
_NOTICE = "500-05-2025-{n} de fecha 16 de diciembre de 2025"
# The whole view is computed: every row, every sum.
_RISK_QUERY = "SELECT count(*) AS n, sum(documentos) AS d, sum(iva_trasladado_mxn) AS iva FROM riesgo_69b"


def _rfc(n: int) -> str:
    return f"XAX{n % 1000:03d}{101 + n // 1000:04d}A{n % 10}1"[:12]


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def _write(path: Path, lines: list[list[str]], rows: Iterable[list[str]]) -> None:
    """Streamed to disk: the generator never holds the file's rows."""
    with path.open("w", encoding="cp1252", newline="") as out:
        for record in itertools.chain(lines, rows):
            out.write(",".join(_cell(v) for v in record) + "\r\n")


def write_art69(path: Path, rows: int) -> None:
    header = [
        "RFC",
        "RAZON SOCIAL",
        "TIPO PERSONA",
        "SUPUESTO",
        "FECHA DE PRIMERA PUBLICACION",
        "ENTIDAD FEDERATIVA",
    ]
    records = (
        [
            _rfc(n // 2),
            f"CONTRIBUYENTE {n} SA DE CV",
            "M",
            "FIRMES",
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/2025",
            "JALISCO",
        ]
        for n in range(rows)
    )  # two rows per RFC: rows are not taxpayers
    _write(path, [header], records)


def write_69b(path: Path, rows: int) -> None:
    def row(n: int) -> list[str]:
        name = f"COMERCIALIZADORA {n}\r\nDEL NORTE" if n % 50 == 0 else f"CONTRIBUYENTE {n} SA"
        dof = "45000" if n % 97 == 0 else "20/12/2025"
        published = "16/12/2025 y 18/12/2025" if n % 89 == 0 else "16/12/2025"
        situation = ("Definitivo", "Presunto", "Desvirtuado", "Sentencia Favorable")[n % 4]
        notice = _NOTICE.format(n=n)
        # The first thousand rows are suppliers of the documents (5% of them); the rest trade elsewhere.
        rfc = _rfc(_LISTED_EVERY * n) if n < _SUPPLIERS // _LISTED_EVERY else _rfc(_SUPPLIERS + n)
        return [str(n + 1), rfc, name, situation, notice, published, notice, dof, *[""] * 4,
                notice, published, notice, dof, *[""] * 4]  # fmt: skip

    preamble = [["Información actualizada al 16 de diciembre de 2025"], ["Listado completo (Artículo 69-B)"]]
    _write(path, [*preamble, list(HEADER_69B)], (row(n) for n in range(rows)))


def _load(path: str, warehouse: str, queue: Queue[tuple[float, float, int, int, int]]) -> None:
    with Warehouse.open(warehouse) as wh:
        started, cpu = time.perf_counter(), time.process_time()
        report = wh.load_list(read_list(Path(path)))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((time.perf_counter() - started, time.process_time() - cpu, peak_kb, report.registros,
               report.contribuyentes))  # fmt: skip


def _measure_load(path: Path, warehouse: Path) -> tuple[float, float, int, int, int]:
    context = multiprocessing.get_context("spawn")
    queue: Queue[tuple[float, float, int, int, int]] = context.Queue()
    process = context.Process(target=_load, args=(str(path), str(warehouse), queue))
    process.start()
    figures = queue.get()
    process.join()
    return figures


def _documents_warehouse(path: Path, documents: int) -> Warehouse:
    wh = Warehouse.open(path)
    for start in range(0, documents, _BATCH):
        n = min(_BATCH, documents - start)
        ids = pl.Series([f"{start + i:08x}-0000-4000-8000-000000000000" for i in range(n)])
        headers = _synthetic(COMPROBANTES, n, ids, 1).with_columns(
            tipo_de_comprobante=pl.lit("I"),
            tipo_cambio=pl.lit(None, dtype=pl.Decimal(18, 6)),
            rfc_receptor=pl.lit(_RFC),
            rfc_emisor=pl.Series([_rfc((start + i) % _SUPPLIERS) for i in range(n)]),
            fecha=pl.lit(datetime(2025, 6, 1)) + pl.duration(hours=pl.int_range(n) % 8000),
        )
        taxes = _synthetic(IMPUESTOS, n, ids, 1).with_columns(
            nivel=pl.lit("comprobante"), tipo=pl.lit("traslado"), impuesto=pl.lit("002")
        )
        batch = start // _BATCH  # one month per batch, as the pipeline loads a partition
        with wh.load(_RFC, date(2020 + batch // 12, 1 + batch % 12, 1), "recibidos", "cfdi") as load:
            load.append({COMPROBANTES.name: headers, IMPUESTOS.name: taxes}, f"bench-{start}.zip", "b" * 64)
    return wh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--art69-rows", type=int, default=600_000)
    parser.add_argument("--art69b-rows", type=int, default=15_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        art69, art69b = folder / "Firmes.csv", folder / "Listado_completo_69-B.csv"
        write_art69(art69, args.art69_rows)
        write_69b(art69b, args.art69b_rows)
        for label, path in (("Art. 69", art69), ("69-B", art69b)):
            wall, cpu, peak_kb, rows, taxpayers = _measure_load(path, folder / f"{path.stem}.duckdb")
            size = path.stat().st_size / 1e6
            print(f"{label}: {rows:,} rows ({taxpayers:,} taxpayers, {size:.1f} MB) read and loaded in "
                  f"{wall:.2f} s wall, {cpu:.2f} s CPU; peak RSS {peak_kb / 1024:.0f} MB")  # fmt: skip
        started = time.perf_counter()
        with _documents_warehouse(folder / "risk.duckdb", args.documents) as wh:
            built = time.perf_counter() - started
            print(f"warehouse of {args.documents:,} received CFDI built in {built:.1f} s")
            wh.load_list(read_list(art69b))
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                found = wh.query(_RISK_QUERY)
                timings.append(time.perf_counter() - started)
            best = min(timings)
            n, docs, iva = found.row(0)
            print(
                f"riesgo_69b over {args.documents:,} documents: {n:,} listed counterparties, {docs:,} of "
                f"their documents, IVA {iva}; best of 3 {best:.3f} s (target 1 s: {best / 1.0:.2f}x)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
