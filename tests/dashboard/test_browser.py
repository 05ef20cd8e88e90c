"""End to end in a real browser: the system's Chromium, driven by Playwright, on the dashboard serving the
sandbox demo's published copy; each page's figures are the views' figures, and a filtered CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from dashboard._presentacion import pesos
from dashboard.servidor import Servidor, en_marcha
from warehouse import Warehouse

__all__: list[str] = []

CHROMIUM = Path("/usr/bin/chromium")
# Headless and quiet: no GPU, no QUIC, no background requests to Google (the test runs offline).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `make test` installs it (apt-get install -y chromium, as root)"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(demo_copy: Path) -> Iterator[Servidor]:
    with en_marcha(demo_copy) as running:
        yield running


def _figure(page: Page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    expect(metric).to_have_count(1, timeout=30_000)
    return metric.get_by_test_id("stMetricValue").inner_text()


def _open(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30_000)


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_each_page_shows_the_views_figures_and_a_filtered_csv_has_the_views_rows(
    browser: Browser, server: Servidor, demo_warehouse: Warehouse
) -> None:
    months = demo_warehouse.query("SELECT * FROM resumen_mensual ORDER BY month").rows(named=True)
    last = months[-1]
    query = demo_warehouse.query
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(server.url)

    assert _figure(page, "Ingresos") == pesos(last["ingresos_mxn"])
    assert _figure(page, "IVA a cargo (flujo)") == pesos(last["iva_a_cargo_flujo_mxn"])

    _open(page, "Clientes y proveedores")
    clients = query(
        "SELECT count(DISTINCT rfc_contraparte) AS n FROM contrapartes_mensual WHERE tipo = 'cliente'"
    )
    assert _figure(page, "Clientes") == pesos(clients["n"][0])

    _open(page, "Cuentas por cobrar y por pagar")
    owed = query("SELECT sum(saldo_mxn) AS s FROM antiguedad_saldos WHERE tipo = 'por_cobrar'")
    assert _figure(page, "Por cobrar (MXN)") == pesos(owed["s"][0])

    _open(page, "IVA")
    assert _figure(page, f"IVA a cargo devengado {last['month']:%Y-%m}") == pesos(
        last["iva_a_cargo_devengado_mxn"]
    )

    _open(page, "Nómina y retenciones")
    payroll = query("SELECT centavos(sum(neto)) AS n FROM nomina_mensual WHERE direction = 'emitidos'")
    assert _figure(page, "Nómina neta pagada") == pesos(payroll["n"][0])

    _open(page, "Cancelaciones")
    cancelled = query("SELECT count(*) AS n FROM cancelaciones")
    assert _figure(page, "Emitidas en el periodo y canceladas") == pesos(cancelled["n"][0])
    expect(page.get_by_role("heading", name="Cancelaciones en proceso")).to_be_visible()

    _open(page, "Riesgo")
    expect(page.get_by_role("status").filter(has_text="No hay lista cargada")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()

    _open(page, "Calidad de datos")
    loaded = query("SELECT count(*) AS n FROM calidad_mensual")
    assert _figure(page, "Meses cargados") == pesos(loaded["n"][0])

    # Only the last month, then the Resumen table downloaded as CSV: the view's row for that month.
    _open(page, "Resumen")
    _choose(page, "Desde", f"{last['month']:%Y-%m}")
    # The rerun is over when the table has one row (plus its header) and the script stopped running.
    table = page.get_by_test_id("stDataFrame").first.locator("[aria-rowcount]").first
    expect(table).to_have_attribute("aria-rowcount", "2", timeout=30_000)
    expect(page.locator("[data-test-script-state]").first).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Descargar CSV").first.click()
    assert download.value.suggested_filename == "resumen_mensual.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [row["mes"] for row in rows] == [f"{last['month']:%Y-%m-%d}"]
    assert Decimal(rows[0]["ingresos_mxn"]) == last["ingresos_mxn"]
    assert Decimal(rows[0]["egresos_mxn"]) == last["egresos_mxn"]
    assert int(rows[0]["documentos_emitidos"]) == last["documentos_emitidos"]
    page.close()
