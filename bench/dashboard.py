"""The dashboard's queries at 100,000 and 1,000,000 documents: every page's queries timed cold and warm.

The warehouses have the sandbox corpus's distribution: `cfdi-etl demo` loads three months of the demo RFC
from the sandbox (about 1,200 CFDI with their lines, taxes, payments, payroll, Retenciones, metadata and
cancellations); that warehouse is then replicated inside DuckDB, every UUID remapped per copy and each copy
moved back 0 to 21 months (eight quarters), until it holds the asked number of CFDI. Each page's queries
(dashboard/consultas.py, the ones the pages run) are timed on the published copy, as the dashboard reads
it (the publish recomputes the summary tables first; its time is printed), on a fresh read-only
connection (cold: the first run, the file in the OS cache but nothing in DuckDB's) and then warm (median
of three runs), for all RFCs, the whole period, in MXN. Target: every page under 1 s warm at 1,000,000
documents.

    uv run --locked --no-sync python -m bench.dashboard [--documents 100000 1000000] [--keep DIR]

`--keep DIR` keeps the built warehouses in DIR (`cfdi-<size>.duckdb`) and reuses one found there instead
of building it again: the 1,000,000-document build takes minutes, the timings seconds.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from dashboard._filtros import Filtros
from dashboard._fuente import Fuente
from dashboard.consultas import PAGINAS, alcance
from schemas._kinds import DATE, TIMESTAMP, UUID
from schemas.agregados import AGREGADO_TABLES
from schemas.lists import LIST_TABLES
from schemas.solicitudes import SOLICITUDES_SAT
from warehouse import Warehouse
from warehouse._datasets import default_catalog
from warehouse._ddl import ident, stored_columns

__all__ = ["main"]

_QUARTERS = 8
# A list is SAT's, one record per listed taxpayer however many documents are loaded (copies of it would
# multiply every risk view's join); the summary tables are recomputed by the publish that follows; the
# ledger snapshot is not the documents'.
_NOT_COPIED = frozenset({t.name for t in (*LIST_TABLES, *AGREGADO_TABLES, SOLICITUDES_SAT)})
_WARM_RUNS = 3
_TARGET_S = 1.0


def _seed(work: Path) -> Path:
    """The sandbox demo's warehouse: three months of the demo RFC, as the pipeline loads them."""
    home = work / "seed"
    command = [str(Path(sys.executable).with_name("cfdi-etl")), "demo", "--months", "3"]
    subprocess.run(command, env={**os.environ, "CFDI_ETL_HOME": str(home)}, check=True, capture_output=True)
    return home / "warehouse" / "cfdi.duckdb"


def _expression(name: str, kind: str) -> str:
    column = ident(name)
    if kind == UUID.name:
        # A new UUID per copy; the same input gives the same output, so references (id_documento) follow.
        return f"CASE WHEN r.k = 0 THEN {column} ELSE md5({column}::VARCHAR || ':' || r.k)::UUID END"
    shift = f"to_months(((r.k % {_QUARTERS}) * 3)::INTEGER)"
    if kind == DATE.name:
        return f"({column} - {shift})::DATE"
    if kind == TIMESTAMP.name:
        return f"{column} - {shift}"
    if name == "load_id":
        return f"{column} || ':' || r.k"
    return column


def _replicate(seed: Path, target: Path, documents: int) -> int:
    """Copies of the seed's rows until `documents` CFDI; returns how many it holds."""
    shutil.copyfile(seed, target)
    con = duckdb.connect(str(target))
    try:
        (per_copy,) = con.execute("SELECT count(*) FROM comprobantes").fetchone() or (0,)
        copies = max(1, math.ceil(documents / max(int(per_copy), 1)))
        for table in default_catalog().tables:
            if table.name in _NOT_COPIED:
                continue
            columns = stored_columns(table)
            names = ", ".join(ident(c.name) for c in columns)
            values = ", ".join(_expression(c.name, c.kind.name) for c in columns)
            con.execute(f"CREATE TEMP TABLE seed AS SELECT * FROM {ident(table.name)}")  # noqa: S608
            con.execute(
                f"INSERT INTO {ident(table.name)} ({names}) "  # noqa: S608
                f"SELECT {values} FROM seed, range(1, {copies}) AS r(k)"
            )
            con.execute("DROP TABLE seed")
        con.execute("CHECKPOINT")
        (held,) = con.execute("SELECT count(*) FROM comprobantes").fetchone() or (0,)
    finally:
        con.close()
    return int(held)


def _publish(target: Path) -> tuple[int, float, float, Path]:
    """Publish the warehouse as a load does: (CFDI held, seconds recomputing the summary tables, seconds
    for the whole publish, the published copy the dashboard reads)."""
    with Warehouse.open(target) as warehouse:
        held = warehouse.query("SELECT count(*) AS n FROM comprobantes")["n"][0]
        start = time.perf_counter()
        warehouse.recompute_summaries()
        recomputed = time.perf_counter() - start
        published = warehouse.publish()
        total = time.perf_counter() - start
    return int(held), recomputed, total, published


def _time_pages(path: Path) -> dict[str, tuple[float, float]]:
    """Per page: (cold, warm) seconds for all its queries, the page's default filters."""
    probe = Fuente(path)
    try:
        scope = alcance(probe)
    finally:
        probe.cerrar()
    filtros = Filtros(rfcs=scope.rfcs, desde=scope.meses[0], hasta=scope.meses[-1])
    timings: dict[str, tuple[float, float]] = {}
    for name, queries in PAGINAS.items():
        fuente = Fuente(path)
        try:
            start = time.perf_counter()
            queries(fuente, filtros)
            cold = time.perf_counter() - start
            warm_runs = []
            for _ in range(_WARM_RUNS):
                start = time.perf_counter()
                queries(fuente, filtros)
                warm_runs.append(time.perf_counter() - start)
        finally:
            fuente.cerrar()
        timings[name] = (cold, statistics.median(warm_runs))
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="keep the warehouses in this directory and reuse them")
    args = parser.parse_args(argv)
    sizes: list[int] = sorted(args.documents)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        kept: Path | None = args.keep
        if kept is not None:
            kept.mkdir(parents=True, exist_ok=True)
        seed: Path | None = None
        results: dict[int, dict[str, tuple[float, float]]] = {}
        held: dict[int, int] = {}
        for size in sizes:
            target = (kept or work) / f"cfdi-{size}.duckdb"
            start = time.perf_counter()
            if kept is not None and target.exists():
                verb = "reused"
            else:
                if seed is None:
                    print("building the seed warehouse: cfdi-etl demo against the sandbox (three months)")
                    seed = _seed(work)
                _replicate(seed, target, size)
                verb = "built"
            built = time.perf_counter() - start
            held[size], recomputed, published_in, published = _publish(target)
            mb = target.stat().st_size / 1e6
            print(
                f"{held[size]:,} CFDI: {verb} in {built:.1f} s, {mb:,.0f} MB; "
                f"published in {published_in:.1f} s (of which {recomputed:.1f} s recomputing the summary "
                "tables of every RFC)",
                flush=True,
            )
            results[size] = _time_pages(published)
            if kept is None:
                target.unlink()
                published.unlink()
    header = "page".ljust(22) + "".join(f"{f'{held[s]:,} cold':>16}{'warm':>9}" for s in sizes)
    if len(sizes) > 1:
        header += f"{'warm ratio':>12}"
    print("\nseconds per page (all its queries; all RFCs, whole period, MXN)")
    print(header)
    for page in PAGINAS:
        line = page.ljust(22) + "".join(
            f"{results[s][page][0]:>16.3f}{results[s][page][1]:>9.3f}" for s in sizes
        )
        if len(sizes) > 1:
            small, big = results[sizes[0]][page][1], results[sizes[-1]][page][1]
            line += f"{big / small if small else float('nan'):>11.1f}x"
        print(line)
    biggest = sizes[-1]
    slow = [p for p, (_, warm) in results[biggest].items() if warm >= _TARGET_S]
    verdict = "every page under" if not slow else f"over target: {', '.join(slow)}; target"
    print(f"\nat {held[biggest]:,} CFDI: {verdict} {_TARGET_S:g} s warm")


if __name__ == "__main__":
    main()
