from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from schemas.cfdi import CFDI_TABLES
from schemas.metadata import METADATA
from warehouse import LoadError, Warehouse, default_path
from warehouse._datasets import DATASETS


def test_every_contract_table_is_created_and_takes_a_load_of_its_empty_frames(tmp_path: Path) -> None:
    with Warehouse.open(default_path(tmp_path)) as wh:
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


def test_a_metadata_batch_with_text_that_is_no_json_is_refused_whole(tmp_path: Path) -> None:
    row = dict.fromkeys(METADATA.names) | {
        "uuid": "00000000-0000-4000-8000-000000000001",
        "estatus": "vigente",
        "source": "m_01.txt",
        "numero_linea": 2,
    }
    good = pl.DataFrame([row], schema=METADATA.schema)
    bad = good.with_columns(pl.lit("{not json").alias("columnas_extra"))
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        with wh.load("EKU9003173C9", date(2024, 1, 1), "emitidos", "metadata") as load:
            with pytest.raises(
                LoadError, match=r"1 value\(s\) of columnas_extra are not JSON, e.g. '\{not json'"
            ):
                load.append({"metadata": bad}, "bad.zip", "1" * 64)
            load.append({"metadata": good}, "good.zip", "2" * 64)
        assert wh.query("SELECT source_package FROM metadata").rows() == [("good.zip",)]
