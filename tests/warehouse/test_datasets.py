from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from schemas.cfdi import CFDI_TABLES
from schemas.metadata import METADATA
from warehouse import Warehouse, default_path
from warehouse._datasets import DATASETS


def test_the_default_warehouse_lives_under_cfdi_etl_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path))
    assert default_path() == tmp_path / "warehouse" / "cfdi.duckdb"


def test_every_contract_table_is_created_and_takes_a_load_of_its_empty_frames(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path))
    with Warehouse.open() as wh:
        tables = set(wh.query("SELECT table_name FROM duckdb_tables()")["table_name"])
        assert {t.name for t in CFDI_TABLES} | {METADATA.name, "loads", "estatus_historial"} <= tables
        for dataset in DATASETS:
            with wh.load("EKU9003173C9", date(2024, 1, 1), "emitidos", dataset.name) as load:
                load.append({t.name: t.empty() for t in dataset.tables}, "empty.zip", "0" * 64)
            assert load.report is not None
            assert load.report.total_rows == 0
    assert (tmp_path / "warehouse" / "cfdi.duckdb").is_file()


def test_every_view_is_created_and_its_documented_example_runs(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        views = set(wh.query("SELECT view_name FROM duckdb_views() WHERE NOT internal")["view_name"])
        assert {v.name for v in wh.catalog.views} == views
        for view in wh.catalog.views:
            assert view.name in view.example
            wh.query(view.example)
