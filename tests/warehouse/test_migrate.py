from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from schemas import Column, Table
from schemas._kinds import INT, TEXT, UUID
from tests.warehouse._example import CATALOG, DOCUMENTOS, LINEAS, RECHAZOS, documents
from warehouse import Catalog, Dataset, IncompatibleWarehouseError, Warehouse

RFC = "EKU9003173C9"
JAN = date(2024, 1, 1)


def _with_documentos(documentos: Table, *extra: Table) -> Catalog:
    return Catalog((Dataset("cfdi", (documentos, LINEAS, RECHAZOS, *extra)),))


def _loaded(path: Path) -> None:
    with Warehouse.open(path, catalog=CATALOG) as wh, wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(3)), "p.zip", "1" * 64)


def test_a_new_column_and_a_new_table_are_added_to_an_older_file_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path)
    grown = replace(DOCUMENTOS, columns=(*DOCUMENTOS.columns, Column("serie", TEXT, "a new attribute")))
    notas = Table("notas", "a new table", (Column("uuid", UUID, "doc", nullable=False),), key=("uuid",))
    with Warehouse.open(path, catalog=_with_documentos(grown, notas)) as wh:
        assert any("ADD COLUMN" in s and '"serie"' in s for s in wh.migrations)
        assert any(s.startswith('CREATE TABLE "notas"') for s in wh.migrations)
        assert wh.query("SELECT count(*), count(serie) FROM documentos").row(0) == (3, 0)
        assert wh.query("SELECT count(*) FROM notas").item() == 0
        migrated = wh.query("SELECT schema_version, migrated_at IS NOT NULL FROM _warehouse").row(0)
        assert migrated == (1, True)


def test_reopening_an_up_to_date_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path)
    with Warehouse.open(path, catalog=CATALOG) as wh:
        assert wh.migrations == []


def test_a_changed_column_type_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path)
    changed = replace(
        DOCUMENTOS,
        columns=tuple(replace(c, kind=INT) if c.name == "total" else c for c in DOCUMENTOS.columns),
    )
    with pytest.raises(
        IncompatibleWarehouseError, match=r"documentos\.total is DECIMAL\(18,6\).*cfdi-etl export"
    ):
        Warehouse.open(path, catalog=_with_documentos(changed))
    with Warehouse.open(path, catalog=CATALOG) as wh:
        assert wh.query("SELECT count(*) FROM documentos").item() == 3


def test_a_file_from_a_newer_cfdi_etl_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE _warehouse SET schema_version = 99")
    con.close()
    with pytest.raises(IncompatibleWarehouseError, match=r"newer cfdi-etl .*schema 99.*upgrade cfdi-etl"):
        Warehouse.open(path, catalog=CATALOG)


def test_a_duckdb_file_cfdi_etl_did_not_create_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE ventas AS SELECT 1 AS x")
    con.close()
    with pytest.raises(IncompatibleWarehouseError, match=r"did not create.*ventas"):
        Warehouse.open(path, catalog=CATALOG)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("ventas",)]
    con.close()


def test_a_reader_refuses_a_file_that_needs_a_migration_instead_of_changing_it(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    _loaded(path)
    grown = replace(DOCUMENTOS, columns=(*DOCUMENTOS.columns, Column("serie", TEXT, "new")))
    with pytest.raises(IncompatibleWarehouseError, match="needs a migration"):
        Warehouse.open(path, catalog=_with_documentos(grown), read_only=True)
