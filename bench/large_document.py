"""Peak memory of `cfdi-etl load-files` for one large loose XML file, below and above the document bound.

Builds a CFDI 4.0 of `--mib` MiB (a sandbox invoice with its line item repeated) in a temporary folder,
then runs `load-files` on it in a fresh process, with a tiny file first for the command's own baseline,
and prints each run's peak RSS (os.wait4) and what the large document added per MiB of XML. A file above
`CFDI_ETL_MAX_DOCUMENT_BYTES` (default 64 MiB) is refused having been read a megabyte at a time, so its
run stays at the baseline whatever its size.

    uv run --locked --no-sync python -m bench.large_document [--mib 20 60 200]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import Settings
from sandbox.corpus import iter_cfdi40_invoices

__all__ = ["build_document", "main"]

_CONCEPTO = re.compile(r"<cfdi:Concepto .*?</cfdi:Concepto>", re.DOTALL)
_RFC = "EKU9003173C9"  # the sandbox invoice's issuer


def build_document(path: Path, mib: float) -> int:
    """A CFDI of about `mib` MiB: a sandbox invoice with its line item repeated. Returns the line items."""
    text = next(iter(iter_cfdi40_invoices(1, 2026))).decode("utf-8")
    found = _CONCEPTO.search(text)
    assert found is not None
    line = found.group(0)
    count = max(1, int(mib * 2**20) // len(line))
    head, tail = text[: found.start()], text[found.end() :]
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for _ in range(count):
            out.write(line)
        out.write(tail)
    return count


def _load(file: Path, home: Path) -> tuple[int, float, str]:
    """Peak RSS in bytes and seconds of one `load-files` run in a fresh process, and its last line."""
    environment = {**os.environ, "CFDI_ETL_HOME": str(home)}
    command = [sys.executable, "-c", "from cli.main import main; main()", "load-files", str(file)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--rfc", _RFC],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert process.stderr is not None
    errors = process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"load-files failed on {file}:\n{errors}")
    refused = "refused" if "refused" in errors else "loaded"
    return usage.ru_maxrss * 1024, seconds, refused


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--mib", type=float, nargs="+", default=[20.0, 60.0, 200.0])
    args = options.parse_args(argv)
    bound = Settings.from_env().max_document_bytes
    print(f"document bound {bound / 2**20:,.0f} MiB (CFDI_ETL_MAX_DOCUMENT_BYTES)")
    with tempfile.TemporaryDirectory(prefix="cfdi-etl-bench-") as folder:
        root = Path(folder)
        small = root / "small.xml"
        build_document(small, 0)
        baseline, _, _ = _load(small, root / "home-small")
        print(f"baseline (one {small.stat().st_size:,}-byte file): peak RSS {baseline / 2**20:,.0f} MiB")
        for mib in args.mib:
            file = root / f"{mib:g}.xml"
            lines = build_document(file, mib)
            size = file.stat().st_size
            peak, seconds, outcome = _load(file, root / f"home-{mib:g}")
            added = max(peak - baseline, 0) / size
            print(
                f"{size / 2**20:,.0f} MiB XML ({lines:,} line items), {outcome}: peak RSS "
                f"{peak / 2**20:,.0f} MiB, {added:.1f} MiB per MiB of XML above the baseline, {seconds:.1f} s"
            )
            file.unlink()


if __name__ == "__main__":
    main()
