"""The summary tables the published copy's views read hold, after every publish, what the views compute."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from cli.main import main
from etl.lists import read_list
from schemas.cfdi import COMPROBANTES, IMPUESTOS, PAGOS, PAGOS_DOCUMENTOS
from schemas.metadata import METADATA
from tests.etl.lists.sat_files import file_69, file_69b, row_69b
from tests.paths import CFDI_FIXTURES
from tests.warehouse.test_views import FEB, JAN, A, B, _d, _frame, _invoice, _iva, _metadata, _uuid
from warehouse import Warehouse
from warehouse._agregados import stored_views

C = "CCC010101CCC"


def _january_a(wh: Warehouse) -> None:
    with wh.load(A, JAN, "emitidos", "cfdi") as load:
        load.append(
            {
                "comprobantes": _frame(
                    COMPROBANTES,
                    [
                        _invoice(1, ("I", "PUE"), (A, B), ("1000", "1160")),
                        _invoice(2, ("I", "PPD"), (A, C), ("100", "116"), tipo_cambio="20"),
                        _invoice(3, ("E", "PUE"), (A, B), ("100", "116")),
                    ],
                ),
                "impuestos": _frame(IMPUESTOS, [_iva(1, "160"), _iva(2, "16"), _iva(3, "16")]),
            },
            "a-jan.zip",
            "a" * 64,
        )


def _january_b(wh: Warehouse) -> None:
    with wh.load(B, JAN, "recibidos", "cfdi") as load:
        load.append(
            {
                "comprobantes": _frame(COMPROBANTES, [_invoice(1, ("I", "PUE"), (A, B), ("1000", "1160"))]),
                "impuestos": _frame(IMPUESTOS, [_iva(1, "160")]),
            },
            "b-jan.zip",
            "b" * 64,
        )


def _february_a(wh: Warehouse) -> None:
    """A payment receipt paying half of invoice 2, and a new client."""
    when = datetime(2024, 2, 10, 9, 0)
    with wh.load(A, FEB, "emitidos", "cfdi") as load:
        load.append(
            {
                "comprobantes": _frame(
                    COMPROBANTES,
                    [
                        _invoice(5, ("P", None), (A, C), ("0", "0"), fecha=when),
                        _invoice(6, ("I", "PUE"), (A, "DDD010101DDD"), ("300", "348"), fecha=when),
                    ],
                ),
                "impuestos": _frame(IMPUESTOS, [_iva(6, "48")]),
                "pagos": _frame(
                    PAGOS,
                    [{"uuid": _uuid(5), "numero_pago": 1, "fecha_pago": when, "tipo_cambio_p": _d("20")}],
                ),
                "pagos_documentos": _frame(
                    PAGOS_DOCUMENTOS,
                    [
                        {
                            "uuid": _uuid(5),
                            "numero_pago": 1,
                            "numero": 1,
                            "id_documento": _uuid(2),
                            "num_parcialidad": 1,
                            "imp_pagado": _d("58"),
                            "imp_saldo_insoluto": _d("58"),
                        }
                    ],
                ),
            },
            "a-feb.zip",
            "c" * 64,
        )


def _b_cancels_invoice_1(wh: Warehouse) -> None:
    """B's metadata says invoice 1, issued by A, was cancelled: A's figures change with it."""
    with wh.load(B, JAN, "recibidos", "metadata") as load:
        load.append(
            {"metadata": _frame(METADATA, [_metadata(1, A, B, "1160", datetime(2024, 1, 20))])},
            "b-meta.zip",
            "d" * 64,
        )


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def _assert_copy_matches_the_views(wh: Warehouse, *, publish: bool = True) -> None:
    """Each stored view in the published copy (its summary table) equals its SQL run on the tables."""
    published = wh.publish() if publish else wh.published_path
    computed = {view.name: _sorted(wh.query(view.sql)) for view, _ in stored_views(wh.catalog)}
    with Warehouse.open(published, read_only=True) as copy:
        for name, expected in computed.items():
            definition = copy.query("SELECT sql FROM duckdb_views() WHERE view_name = ?", [name])["sql"][0]
            assert "agregado_" + name in definition, f"{name} in the copy does not read its summary table"
            assert_frame_equal(_sorted(copy.query(f"SELECT * FROM {name}")), expected)  # noqa: S608


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse.open(tmp_path / "wh.duckdb")


def test_summaries_equal_the_views_after_a_load_another_month_a_rerun_and_a_cancellation(
    wh: Warehouse,
) -> None:
    _january_a(wh)
    _january_b(wh)
    _assert_copy_matches_the_views(wh)
    _february_a(wh)
    _assert_copy_matches_the_views(wh)
    before = wh.query("SELECT * FROM agregado_saldos_ppd")
    _february_a(wh)  # the same month again: the figures stay
    _assert_copy_matches_the_views(wh)
    assert_frame_equal(_sorted(wh.query("SELECT * FROM agregado_saldos_ppd")), _sorted(before))
    ingresos = "SELECT sum(ingresos_mxn) AS i FROM agregado_resumen_mensual WHERE rfc = ?"
    before_cancelling = wh.query(ingresos, [A])["i"][0]
    _b_cancels_invoice_1(wh)
    _assert_copy_matches_the_views(wh)
    assert wh.query(ingresos, [A])["i"][0] == before_cancelling - _d("1000")  # invoice 1 no longer counts


def test_a_publish_recomputes_only_the_rfcs_touched_since_the_last(wh: Warehouse) -> None:
    _january_a(wh)
    _january_b(wh)
    assert wh.recompute_summaries().rfcs == tuple(sorted((A, B)))
    assert wh.recompute_summaries().rfcs == ()
    _february_a(wh)
    assert wh.recompute_summaries().rfcs == (A,)
    # B's metadata cancels a document A issued: both are recomputed.
    _b_cancels_invoice_1(wh)
    assert wh.recompute_summaries().rfcs == tuple(sorted((A, B)))


def test_a_rerun_of_a_load_gives_the_same_summary_rows(wh: Warehouse) -> None:
    _january_a(wh)
    wh.recompute_summaries()
    first = {t.name: _sorted(wh.query(f"SELECT * FROM {t.name}")) for _, t in stored_views(wh.catalog)}  # noqa: S608
    _january_a(wh)
    wh.recompute_summaries()
    for name, rows in first.items():
        assert_frame_equal(_sorted(wh.query(f"SELECT * FROM {name}")), rows)  # noqa: S608


def test_a_new_sat_list_recomputes_every_rfcs_risk_rows(wh: Warehouse, tmp_path: Path) -> None:
    _january_a(wh)
    _january_b(wh)
    _assert_copy_matches_the_views(wh)
    # B's supplier A and A's client C enter the lists: both RFCs' risk rows appear in the copy.
    path_69b = tmp_path / "69b.csv"
    path_69b.write_bytes(
        file_69b(
            [row_69b(1, A, "EMPRESA SA", "Presunto")],
            date_line="Información actualizada al 1 de junio de 2024",
        )
    )
    wh.load_list(read_list(path_69b))
    path_69 = tmp_path / "firmes.csv"
    path_69.write_bytes(file_69([[C, "CLIENTE SA", "M", "FIRMES", "01/01/2024", "JALISCO"]]))
    wh.load_list(read_list(path_69))
    assert wh.recompute_summaries().rfcs == tuple(sorted((A, B)))
    _assert_copy_matches_the_views(wh)
    assert set(wh.query("SELECT rfc FROM agregado_riesgo_69b")["rfc"]) == {B}
    assert set(wh.query("SELECT rfc FROM agregado_riesgo_69")["rfc"]) == {A}


def test_load_files_publishes_a_copy_whose_summaries_hold_what_it_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    template = (CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml").read_text(encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    for n, uuid in enumerate(
        ("6F35D3B5-3651-5370-BC2C-14CDBE384CD7", "11111111-1111-4111-8111-111111111111")
    ):
        (folder / f"{n}.xml").write_text(
            template.replace("6F35D3B5-3651-5370-BC2C-14CDBE384CD7", uuid), encoding="utf-8"
        )
        result = CliRunner().invoke(main, ["load-files", str(folder / f"{n}.xml"), "--rfc", "EKU9003173C9"])
        assert result.exit_code == 0, result.output
        with Warehouse.open(tmp_path / "home" / "warehouse" / "cfdi.duckdb") as wh:
            _assert_copy_matches_the_views(wh, publish=False)
            assert wh.query("SELECT sum(documentos) AS n FROM agregado_contrapartes_mensual")["n"][0] == n + 1
