"""Refresh the dashboard's screenshots in docs/dashboard/, one per page, from the sandbox demo's warehouse.

    uv run --locked --no-sync python -m dashboard.screenshots [--warehouse FILE] [--out docs/dashboard]

Without --warehouse it runs `cfdi-etl demo` in a temporary CFDI_ETL_HOME first (about half a minute), so
the pictures show the sandbox corpus, not anyone's data. Needs the system Chromium (/usr/bin/chromium)
and Playwright (a development dependency).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dashboard.servidor import en_marcha
from warehouse import default_path, published_path

__all__ = ["PAGINAS", "main"]

CHROMIUM = Path("/usr/bin/chromium")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# url path -> file name, in the navigation's order
PAGINAS = (
    ("resumen", "1_resumen"),
    ("clientes_proveedores", "2_clientes_proveedores"),
    ("cuentas", "3_cuentas"),
    ("iva", "4_iva"),
    ("nomina_retenciones", "5_nomina_retenciones"),
    ("cancelaciones", "6_cancelaciones"),
    ("riesgo", "7_riesgo"),
    ("calidad", "8_calidad"),
)
_WIDTH = 1400
_TALLEST = 4000


def _demo(home: Path) -> Path:
    command = [str(Path(sys.executable).with_name("cfdi-etl")), "demo", "--months", "3"]
    subprocess.run(command, env={**os.environ, "CFDI_ETL_HOME": str(home)}, check=True, capture_output=True)  # noqa: S603
    return published_path(default_path(home))


def capture(warehouse: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with en_marcha(warehouse) as servidor, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=_FLAGS, headless=True)
        page = browser.new_page(viewport={"width": _WIDTH, "height": 1000})
        for url_path, name in PAGINAS:
            page.goto(f"{servidor.url}/{url_path}")
            page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
            page.locator('[data-test-script-state="notRunning"]').first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # charts draw after the script finishes
            height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
            page.set_viewport_size({"width": _WIDTH, "height": min(int(height), _TALLEST)})
            page.wait_for_timeout(500)
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            page.set_viewport_size({"width": _WIDTH, "height": 1000})
            written.append(target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--warehouse", type=Path, help="a published copy to show [default: a fresh demo's]")
    parser.add_argument("--out", type=Path, default=Path("docs/dashboard"), help="where the PNGs go")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = args.warehouse or _demo(Path(scratch))
        for path in capture(warehouse, args.out):
            print(path)


if __name__ == "__main__":
    main()
