"""Every page and filter through Streamlit's own test harness, on the sandbox demo's published copy: the
figures shown are the views' figures."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from cli.main import main
from dashboard._fuente import VARIABLE
from dashboard._presentacion import pesos
from dashboard.servidor import APP
from tests.paths import CFDI_FIXTURES
from warehouse import Warehouse, published_path

__all__: list[str] = []

PAGES = (
    ("resumen", "Resumen"),
    ("clientes_proveedores", "Clientes y proveedores"),
    ("cuentas", "Cuentas por cobrar y por pagar"),
    ("iva", "IVA"),
    ("nomina_retenciones", "Nómina y retenciones"),
    ("cancelaciones", "Cancelaciones"),
    ("riesgo", "Riesgo"),
    ("calidad", "Calidad de datos"),
)


def _app(path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(VARIABLE, str(path))
    # A fresh cache per test: the connection is shared by sessions of one server, and tests are servers.
    from streamlit.runtime.caching import cache_resource

    cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=60).run()


def _page(app: AppTest, page: str) -> AppTest:
    return app.switch_page(f"paginas/{page}.py").run()


def _frame(app: AppTest, index: int) -> dict[str, list[Any]]:
    """The index-th table on the page, column by column, as the page gave it to Streamlit."""
    value: Any = app.dataframe[index].value
    return {str(name): list(value[name]) for name in value.columns}


def _months(values: list[Any]) -> list[object]:
    return [v.date() for v in values]


@pytest.mark.parametrize(("page", "title"), PAGES)
def test_every_page_renders_its_title_and_no_error(
    page: str, title: str, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), page)
    assert not app.exception, app.exception
    assert not app.error
    assert [t.value for t in app.title] == [title]


def test_resumen_shows_the_last_months_figures_of_resumen_mensual(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = demo_warehouse.query("SELECT * FROM resumen_mensual ORDER BY month DESC LIMIT 1").row(
        0, named=True
    )
    app = _app(demo_copy, monkeypatch)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Ingresos"] == pesos(expected["ingresos_mxn"])
    assert shown["Egresos"] == pesos(expected["egresos_mxn"])
    assert shown["IVA a cargo (devengado)"] == pesos(expected["iva_a_cargo_devengado_mxn"])
    assert shown["IVA a cargo (flujo)"] == pesos(expected["iva_a_cargo_flujo_mxn"])
    assert shown["Documentos emitidos"] == f"{expected['documentos_emitidos']:,}"
    assert shown["Cancelaciones"] == f"{expected['cancelaciones']:,}"
    deltas = {m.label: m.delta for m in app.metric}
    assert deltas["Ingresos"] == pesos(expected["variacion_ingresos_mxn"])
    table = _frame(app, 0)
    assert [Decimal(str(v)) for v in table["ingresos_mxn"]] == [
        Decimal(str(v))
        for v in demo_warehouse.query("SELECT ingresos_mxn FROM resumen_mensual ORDER BY month")[
            "ingresos_mxn"
        ]
    ]


def test_the_period_filter_keeps_only_the_chosen_months(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    months = demo_warehouse.query("SELECT month FROM resumen_mensual ORDER BY month")["month"].to_list()
    app = _app(demo_copy, monkeypatch)
    assert len(_frame(app, 0)["mes"]) == len(months)
    app.selectbox(key="desde").set_value(months[-1]).run()
    assert _months(_frame(app, 0)["mes"]) == [months[-1]]
    # The filter holds on the other pages too.
    _page(app, "iva")
    assert _months(_frame(app, 0)["mes"]) == [months[-1]]


def test_the_rfc_filter_offers_all_or_each_loaded_rfc(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(demo_copy, monkeypatch)
    assert app.selectbox(key="rfc").options == ["Todos", "EKU9003173C9"]
    app.selectbox(key="rfc").set_value("EKU9003173C9").run()
    assert not app.exception
    assert {m.label for m in app.metric} >= {"Ingresos", "Egresos"}


def test_original_currency_shows_amounts_per_currency(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    currencies = set(
        demo_warehouse.query("SELECT DISTINCT moneda FROM contrapartes_mensual")["moneda"].to_list()
    )
    app = _page(_app(demo_copy, monkeypatch), "clientes_proveedores")
    assert set(_frame(app, 0)["moneda"]) == {"MXN"}
    app.radio(key="moneda").set_value("Moneda original").run()
    assert set(_frame(app, 0)["moneda"]) <= currencies
    assert len(set(_frame(app, 0)["moneda"])) > 1, "the demo corpus invoices in more than one currency"


def test_ageing_buckets_add_up_to_the_open_balances(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), "cuentas")
    buckets = _frame(app, 0)
    expected = demo_warehouse.query(
        "SELECT sum(saldo_mxn) AS saldo FROM antiguedad_saldos WHERE tipo = 'por_cobrar'"
    )["saldo"][0]
    assert sum(Decimal(str(v)) for v in buckets["saldo"]) == expected


def test_iva_page_lists_the_documents_behind_the_months_figure(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), "iva")
    month, devengado = demo_warehouse.query(
        "SELECT month, iva_trasladado_devengado_mxn FROM resumen_mensual ORDER BY month DESC LIMIT 1"
    ).row(0)
    documents = _frame(app, 1)  # last month, devengado, emitidos: the defaults
    assert set(_months(documents["mes"])) == {month}
    assert sum(Decimal(str(v)) for v in documents["iva_trasladado_mxn"]) == devengado
    acreditable = demo_warehouse.query(
        "SELECT iva_acreditable_flujo_mxn FROM resumen_mensual ORDER BY month DESC LIMIT 1"
    )["iva_acreditable_flujo_mxn"][0]
    app.radio(key="iva_base").set_value("flujo").run()
    app.radio(key="iva_lado").set_value("recibidos").run()
    documents = _frame(app, 1)
    assert set(documents["base"]) == {"flujo"}
    assert sum(Decimal(str(v)) for v in documents["iva_trasladado_mxn"]) == acreditable


def test_iva_documents_show_their_own_currency_and_iva_when_the_original_currency_is_chosen(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), "iva")
    assert "moneda" not in _frame(app, 1)  # in MXN the month's figures and their documents are MXN only
    app.radio(key="moneda").set_value("Moneda original").run()
    shown = _frame(app, 1)
    expected = demo_warehouse.query(
        "SELECT uuid, moneda, iva_trasladado, iva_trasladado_mxn FROM iva_documentos "
        "WHERE base = 'devengado' AND direction = 'emitidos' "
        "AND month = (SELECT max(month) FROM resumen_mensual) ORDER BY ALL"
    ).rows()
    columns = ("uuid", "moneda", "iva_trasladado", "iva_trasladado_mxn")
    assert sorted(zip(*(shown[c] for c in columns), strict=True)) == expected
    assert {m for _, m, _, _ in expected} > {"MXN"}, "the demo invoices in more than one currency"


def test_nomina_totals_are_the_views_totals(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), "nomina_retenciones")
    expected = demo_warehouse.query(
        "SELECT month, direction, centavos(sum(neto)) AS neto FROM nomina_mensual GROUP BY ALL ORDER BY ALL"
    )
    monthly = _frame(app, 0)
    shown = list(zip(_months(monthly["mes"]), monthly["direction"], monthly["neto"], strict=True))
    assert [(m, d, Decimal(str(n))) for m, d, n in shown] == expected.rows()


def test_risk_says_when_no_list_is_loaded(own_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect(str(own_copy))
    try:
        con.execute("DELETE FROM listas_versiones")  # the copy of a warehouse that never loaded a list
    finally:
        con.close()
    app = _page(_app(own_copy, monkeypatch), "riesgo")
    assert sum("No hay lista cargada" in i.value for i in app.info) == 2


def test_cancellations_and_risk_show_their_views_rows_for_the_demo_rfc(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), "cancelaciones")
    assert not any("cancelaciones_en_proceso" in i.value for i in app.info)
    in_process = demo_warehouse.query("SELECT uuid FROM cancelaciones_en_proceso ORDER BY uuid")
    shown = _frame(app, len(app.dataframe) - 1)
    assert sorted(str(u) for u in shown["uuid"]) == sorted(str(u) for u in in_process["uuid"])
    _page(app, "riesgo")
    assert not app.info
    hits = demo_warehouse.query("SELECT DISTINCT contraparte FROM riesgo_69b ORDER BY contraparte")
    assert hits.height > 0, "the demo loads the sandbox's lists, which name some of its counterparties"
    assert sorted(set(_frame(app, 0)["contraparte"])) == list(hits["contraparte"])


def test_quality_page_shows_the_months_loads_and_no_pending_request_after_the_demo(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _page(_app(demo_copy, monkeypatch), "calidad")
    expected = demo_warehouse.query("SELECT rfc, month FROM calidad_mensual ORDER BY rfc, month")
    assert len(_frame(app, 0)["mes"]) == expected.height
    assert any("no tiene solicitudes pendientes" in s.value for s in app.success)


def test_without_a_published_copy_the_dashboard_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path / "nothing.published.duckdb", monkeypatch)
    assert not app.exception
    assert any("make demo" in i.value and "cfdi-etl run" in i.value for i in app.info)


def test_an_empty_warehouse_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Warehouse.open(tmp_path / "cfdi.duckdb") as warehouse:
        copy = warehouse.publish()
    app = _app(copy, monkeypatch)
    assert not app.exception
    assert any("make demo" in i.value for i in app.info)


def test_a_newer_published_copy_is_shown_without_a_restart(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Warehouse.open(tmp_path / "cfdi.duckdb") as warehouse:
        copy = warehouse.publish()
    app = _app(copy, monkeypatch)
    assert any("make demo" in i.value for i in app.info)
    # What publish() does: the new file replaces the old one by rename.
    staging = tmp_path / "next.duckdb"
    staging.write_bytes(demo_copy.read_bytes())
    staging.replace(copy)
    app.run()
    assert not app.info
    assert {m.label for m in app.metric} >= {"Ingresos", "Egresos"}


def test_downloads_are_offered_as_csv_and_xlsx_for_each_table(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(demo_copy, monkeypatch)
    labels = [str(getattr(b, "label", "")) for b in app.get("download_button")]
    assert labels.count("Descargar CSV") == len(app.dataframe)
    assert labels.count("Descargar XLSX") == len(app.dataframe)


def test_charts_plot_amounts_as_floats_while_tables_keep_decimals(
    demo_copy: Path, demo_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = demo_warehouse.query("SELECT month, ingresos_mxn FROM resumen_mensual ORDER BY month")
    app = _app(demo_copy, monkeypatch)
    (chart,) = app.get("vega_lite_chart")
    plotted = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pylist()
    ingresos = [row for row in plotted if row["color -- streamlit-generated"] == "ingresos_mxn"]
    assert [row["value -- streamlit-generated"] for row in ingresos] == [
        float(v) for v in expected["ingresos_mxn"]
    ]
    assert [row["mes"] for row in ingresos] == [f"{m:%Y-%m}" for m in expected["month"]]
    table = _frame(app, 0)
    assert [str(v) for v in table["ingresos_mxn"]] == [str(v) for v in expected["ingresos_mxn"]]
    assert all(len(str(v).split(".")[1]) == 2 for v in table["ingresos_mxn"])


def test_quality_page_lists_what_load_files_refused_whatever_rfc_and_period_are_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    truncated = tmp_path / "roto.xml"
    truncated.write_bytes(b"<?xml version='1.0'?><cfdi:Comprobante Version='4.0'")
    good = tmp_path / "buena.xml"
    shutil.copy(CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml", good)
    loaded = CliRunner().invoke(
        main, ["load-files", str(truncated), str(good), "--rfc", "EKU9003173C9"], catch_exceptions=False
    )
    assert loaded.exit_code == 0, loaded.output

    app = _page(_app(published_path(tmp_path / "home" / "warehouse" / "cfdi.duckdb"), monkeypatch), "calidad")
    assert not app.exception, app.exception
    assert "Archivos rechazados por cfdi-etl load-files" in [s.value for s in app.subheader]
    # Filtered by the loaded RFC and its months, the reject is not in "Rechazos por motivo" but listed apart.
    tables = [t for t in (_frame(app, i) for i in range(len(app.dataframe))) if "motivo" in t]
    assert len(tables) == 1
    assert tables[0]["registros"] == [1]
    assert "not well-formed" in tables[0]["motivo"][0]
