"""Peak memory of `cfdi-etl load-files` for one large loose XML file, below and above the document bound.

Builds a CFDI 4.0 of `--mib` MiB in a temporary folder, then runs `load-files` on it in a fresh process,
with a tiny file first for the command's own baseline, and prints each run's peak RSS (os.wait4), what the
large document added per MiB of XML, and how the peak grew from the smallest size to each other. Two
shapes (`--shape`): `lines`, a sandbox invoice with its line item repeated; `addenda`, the same with an
`&` in a name and a huge Addenda (the documents the parser once read as a whole tree). A file above
`CFDI_ETL_MAX_DOCUMENT_BYTES` (default 64 MiB) is refused having been read a megabyte at a time, so its
run stays at the baseline whatever its size.

Target: for one document of 20, 40 and 60 MiB, the peak RSS within 1.5 times that of the 20 MiB one, of
either shape, and well under 2.5 GB for anything under the bound.

    uv run --locked --no-sync python -m bench.large_document [--mib 20 40 60] [--shape lines addenda]
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


_ADDENDA_LINE = '<x:Linea xmlns:x="urn:bench" n="1"><x:Texto>Pedido 123 &amp; entrega</x:Texto></x:Linea>'


def build_document(path: Path, mib: float, shape: str = "lines") -> int:
    """A CFDI of about `mib` MiB: a sandbox invoice with its line item repeated (`lines`), or half of it
    in a huge Addenda (`addenda`). Returns the line items."""
    text = next(iter(iter_cfdi40_invoices(1, 2026))).decode("utf-8")
    found = _CONCEPTO.search(text)
    assert found is not None
    line = found.group(0)
    share = 0.5 if shape == "addenda" else 1.0
    count = max(1, int(mib * share * 2**20) // len(line))
    head, tail = text[: found.start()], text[found.end() :]
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for _ in range(count):
            out.write(line)
        if shape == "addenda":
            tail = tail.replace("</cfdi:Comprobante>", "")
            out.write(tail)
            out.write("<cfdi:Addenda>")
            for _ in range(int(mib * (1 - share) * 2**20) // len(_ADDENDA_LINE)):
                out.write(_ADDENDA_LINE)
            out.write("</cfdi:Addenda></cfdi:Comprobante>")
        else:
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
    refused = "refused" if "more than the" in errors else "loaded"  # the bound's reason, quoted
    return usage.ru_maxrss * 1024, seconds, refused


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--mib", type=float, nargs="+", default=[20.0, 40.0, 60.0])
    options.add_argument("--shape", nargs="+", choices=("lines", "addenda"), default=["lines", "addenda"])
    args = options.parse_args(argv)
    bound = Settings.from_env().max_document_bytes
    print(f"document bound {bound / 2**20:,.0f} MiB (CFDI_ETL_MAX_DOCUMENT_BYTES)")
    with tempfile.TemporaryDirectory(prefix="cfdi-etl-bench-") as folder:
        root = Path(folder)
        small = root / "small.xml"
        build_document(small, 0)
        baseline, _, _ = _load(small, root / "home-small")
        print(f"baseline (one {small.stat().st_size:,}-byte file): peak RSS {baseline / 2**20:,.0f} MiB")
        for shape in args.shape:
            first: int | None = None
            for mib in args.mib:
                file = root / f"{shape}-{mib:g}.xml"
                lines = build_document(file, mib, shape)
                size = file.stat().st_size
                peak, seconds, outcome = _load(file, root / f"home-{shape}-{mib:g}")
                first = first or peak
                added = max(peak - baseline, 0) / size
                print(
                    f"{shape}: {size / 2**20:,.0f} MiB XML ({lines:,} line items), {outcome}: peak RSS "
                    f"{peak / 2**20:,.0f} MiB ({peak / first:.2f}x the first size's), {added:.1f} MiB per "
                    f"MiB of XML above the baseline, {seconds:.1f} s"
                )
                file.unlink()


if __name__ == "__main__":
    main()
