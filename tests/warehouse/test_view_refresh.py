"""A writer's open leaves the file's views as the release declares them, and skips re-creating them when
they already are (their fingerprint is recorded with them)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from schemas import Column, Table
from schemas._kinds import TEXT
from tests.warehouse._example import CATALOG, DOCUMENTOS, LINEAS, RECHAZOS, documents
from warehouse import Catalog, Dataset, View, Warehouse

__all__: list[str] = []

RFC = "EKU9003173C9"
JAN = date(2024, 1, 1)


def _catalog(sql: str, meaning: str = "documents counted", documentos: Table | None = None) -> Catalog:
    view = View("conteo", meaning, sql, "SELECT * FROM conteo")
    if documentos is None:
        return replace(CATALOG, views=(view,))
    datasets = (Dataset("cfdi", (documentos, LINEAS, RECHAZOS), reject_tables=frozenset({"rechazos"})),)
    return Catalog(datasets, views=(view,))


def _loaded(path: Path, catalog: Catalog) -> None:
    with Warehouse.open(path, catalog=catalog) as wh, wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(3)), "p.zip", "1" * 64)


def _comment(wh: Warehouse) -> str:
    return str(wh.query("SELECT comment FROM duckdb_views() WHERE view_name = 'conteo'").item())


def test_a_view_whose_sql_changed_is_replaced_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path, _catalog("SELECT count(*) AS n FROM documentos"))
    with Warehouse.open(path, catalog=_catalog("SELECT count(*) * 10 AS n FROM documentos")) as wh:
        assert wh.query("SELECT n FROM conteo").item() == 30


def test_a_view_whose_meaning_changed_gets_the_new_comment(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path, _catalog("SELECT count(*) AS n FROM documentos"))
    with Warehouse.open(path, catalog=_catalog("SELECT count(*) AS n FROM documentos", "how many")) as wh:
        assert _comment(wh) == "how many"


def test_a_view_dropped_from_the_file_is_created_again(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    catalog = _catalog("SELECT count(*) AS n FROM documentos")
    _loaded(path, catalog)
    con = duckdb.connect(str(path))
    con.execute("DROP VIEW conteo")
    con.close()
    with Warehouse.open(path, catalog=catalog) as wh:
        assert wh.query("SELECT n FROM conteo").item() == 3


def _comment_behind_its_back(path: Path) -> None:
    """A change no open of the warehouse makes: an open that re-creates the views puts the declared
    comment back, one that skips them leaves this."""
    con = duckdb.connect(str(path))
    con.execute("COMMENT ON VIEW conteo IS 'left alone'")
    con.close()


def test_views_are_created_again_when_a_migration_changed_the_tables_they_read(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    sql = "SELECT count(*) AS n FROM documentos"
    _loaded(path, _catalog(sql))
    _comment_behind_its_back(path)
    grown = replace(DOCUMENTOS, columns=(*DOCUMENTOS.columns, Column("serie", TEXT, "a new attribute")))
    with Warehouse.open(path, catalog=_catalog(sql, documentos=grown)) as wh:
        assert wh.migrations
        assert _comment(wh) == "documents counted"


def test_an_up_to_date_file_keeps_its_views_untouched(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    catalog = _catalog("SELECT count(*) AS n FROM documentos")
    _loaded(path, catalog)
    _comment_behind_its_back(path)
    with Warehouse.open(path, catalog=catalog) as wh:
        assert _comment(wh) == "left alone"
