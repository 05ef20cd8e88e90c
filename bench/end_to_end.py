"""One month from the sandbox to the warehouse, step by step, beside the parser's own rate.

The sandbox runs in its own process; each step of one RFC × month (issued CFDI, metadata and XML) runs in
a fresh process, as Dagster's default executor runs steps, so each step's peak memory is its own. Then,
in a fresh process, the XML parser alone reads the same packages from the store. Printed side by side:
wall time and peak memory per step, documents per second end to end (from the request to the published
copy; the wait for SAT, here the sandbox preparing its packages, is shown apart) and the parser's rate.
Targets: end to end at least half the parser's own rate, peak memory under 1.5 GB.

    uv run --locked --no-sync python -m bench.end_to_end [--documents 200000] [--processes 1]
        [--documents-per-package 10000]

`--documents-per-package` sets how large the sandbox makes each package (SAT's own packages are larger
than the sandbox's default): the download step's peak must not grow with it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["main"]

_RFC = "EKU9003173C9"
_MONTH = date(2025, 3, 1)
_PASSWORD_VARIABLE = "CFDI_ETL_BENCH_FIEL_PASSWORD"  # noqa: S105 - a variable name
_PASSWORD = "bench-only"  # noqa: S105 - a throwaway key from the sandbox's own test CA


def _serve(data_dir: str, ca_dir: str, sizes: tuple[int, int], ready: Any, stop: Any) -> None:
    """The sandbox; `sizes`: documents per month, documents per package."""
    from sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        data_dir=Path(data_dir),
        ca_dir=Path(ca_dir),
        rfcs=(_RFC,),
        documents_per_month=sizes[0],
        documents_per_package=sizes[1],
        accepted_seconds=0.1,
        in_progress_seconds=0.1,
    )
    with SandboxServer(config) as sandbox:
        ready.put(sandbox.base_url)
        stop.wait()


def _resource(work: Path, base_url: str, processes: int) -> Any:
    from assets._resources import SyncResource

    return SyncResource(
        warehouse=str(work / "warehouse" / "cfdi.duckdb"),
        sat_base_url=base_url,
        poll_wait_seconds=3600,
        poll_interval_seconds=0.5,
        services=["cfdi"],
        directions=["emitidos"],
        parse_processes=processes,
    )


def _register(work: Path) -> None:
    from etl.registry import FielLocation, RfcRegistry

    with RfcRegistry(work / "warehouse" / "ledger.sqlite") as registry:
        registry.add(
            FielLocation(
                _RFC, work / "fiel" / f"{_RFC}.cer", work / "fiel" / f"{_RFC}.key", _PASSWORD_VARIABLE
            )
        )


def _step(work: Path, base_url: str, processes: int, name: str) -> dict[str, float]:
    """One step in a fresh process, as Dagster's default (multiprocess) executor runs it; the steps hand
    nothing to each other in memory (ledger, package store and stage are on disk)."""
    import dagster as dg

    from assets import PIPELINE
    from assets._partitions import add_rfc, partition_key
    from schemas import Partition

    [asset] = [a for a in PIPELINE if a.key.to_user_string() == name]
    with dg.DagsterInstance.ephemeral() as instance:
        add_rfc(instance, _RFC)
        started = time.perf_counter()
        result = dg.materialize(
            PIPELINE,
            partition_key=str(partition_key(Partition(_RFC, _MONTH))),
            instance=instance,
            resources={"sync": _resource(work, base_url, processes)},
            selection=[asset],
        )
        seconds = time.perf_counter() - started
    if not result.success:
        raise SystemExit(f"step {name} failed")
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def _pipeline(work: Path, base_url: str, processes: int) -> dict[str, float]:
    from assets import PIPELINE

    _register(work)
    figures: dict[str, float] = {}
    for asset in PIPELINE:
        name = asset.key.to_user_string()
        step = _run_child("step", work, f"{base_url} {name}", processes)
        figures[f"{name}_s"], figures[f"{name}_peak_mb"] = step["seconds"], step["peak_mb"]
    figures["peak_rss_mb"] = max(v for k, v in figures.items() if k.endswith("_peak_mb"))
    return figures


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _parser_alone(packages: Path, processes: int) -> dict[str, float]:
    from etl.parse.documents import iter_parsed_batches
    from etl.parse.packages import EntryKind, iter_entries

    def entries() -> Any:
        for path in sorted(packages.glob("*.zip")):
            for entry in iter_entries(path):
                if entry.kind is EntryKind.XML:
                    yield entry.name, entry.data

    started = time.perf_counter()
    documents = sum(batch.documents for batch in iter_parsed_batches(entries(), processes=processes))
    return {"documents": documents, "parse_s": time.perf_counter() - started}


def _child(mode: str, work: str, argument: str, processes: int) -> None:
    if mode == "step":
        base_url, name = argument.split(" ")
        figures = _step(Path(work), base_url, processes, name)
    else:
        figures = _parser_alone(Path(argument), processes)
    print(json.dumps(figures))


def _run_child(mode: str, work: Path, argument: str, processes: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.end_to_end", "--child", mode, str(work), argument, str(processes)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, _PASSWORD_VARIABLE: _PASSWORD},
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def measure(documents: int, processes: int, per_package: int = 10_000) -> None:
    from sandbox import generate_test_fiel

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate_test_fiel(_RFC, work / "fiel", _PASSWORD, ca_dir=work / "ca")
        context = multiprocessing.get_context("spawn")
        ready, stop = context.Queue(), context.Event()
        server = context.Process(
            target=_serve,
            args=(
                str(work / "sandbox"),
                str(work / "ca"),
                (documents, per_package),
                ready,
                stop,
            ),
        )
        server.start()
        try:
            base_url = ready.get(timeout=120)
            pipeline = _pipeline(work, base_url, processes)
        finally:
            stop.set()
            server.join()
        parser = _run_child("parser", work, str(work / "warehouse" / "packages"), processes)
    sat_wait = pipeline["sat_packages_ready_s"]
    ours = sum(v for k, v in pipeline.items() if k.endswith("_s")) - sat_wait
    count = parser["documents"]
    print(
        f"{count:,.0f} documents, one month, issued CFDI (metadata and XML), {processes} parse process(es), "
        f"up to {per_package:,} documents per package"
    )
    for name, seconds in pipeline.items():
        if name.endswith("_s"):
            peak = pipeline[f"{name[:-2]}_peak_mb"]
            print(f"  {name[:-2]:<22} {seconds:8.2f} s   peak {peak:7,.0f} MB")
    print(f"  {'(waiting for SAT)':<22} {sat_wait:8.2f} s  — the sandbox preparing packages, not our work")
    rate, parse_rate = count / ours, count / parser["parse_s"]
    print(f"end to end (without SAT's wait): {ours:8.2f} s  {rate:10,.0f} documents/s")
    print(f"parser alone, same documents:    {parser['parse_s']:8.2f} s  {parse_rate:10,.0f} documents/s")
    print(f"ratio end to end / parser: {rate / parse_rate:.2f} (target at least 0.50)")
    print(f"peak memory, the largest step: {pipeline['peak_rss_mb']:,.0f} MB (target under 1,536 MB)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--documents-per-package", type=int, default=10_000)
    arguments = parser.parse_args()
    measure(arguments.documents, arguments.processes, arguments.documents_per_package)


if __name__ == "__main__":
    main()
