"""`cfdi-etl load-files`, `query` and `export` end to end: real files, a real warehouse file, real Parquet."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli.load_files as load_files_module
from cli.main import main
from tests.paths import CFDI_FIXTURES, SAT_FIXTURES
from warehouse import Warehouse

ISSUER = "EKU9003173C9"  # issues six of the shared CFDI fixtures


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "warehouse" / "cfdi.duckdb"


def _folder_of_fixtures(tmp_path: Path) -> Path:
    folder = tmp_path / "from-the-accountant"
    folder.mkdir()
    for xml in CFDI_FIXTURES.glob("*.xml"):
        shutil.copy(xml, folder / xml.name)
    return folder


def test_load_files_files_each_document_by_month_and_side_and_keeps_refused_ones(
    tmp_path: Path, home: Path
) -> None:
    folder = _folder_of_fixtures(tmp_path)
    result = _run("load-files", str(folder), "--rfc", ISSUER)
    assert result.exit_code == 0, result.output
    assert "neither issued nor received by a loaded RFC" in " ".join(result.stderr.split())
    with Warehouse.open(home, read_only=True) as wh:
        issued = wh.query("SELECT DISTINCT rfc_emisor, direction FROM comprobantes").rows()
        assert issued == [(ISSUER, "emitidos")]
        assert wh.query("SELECT count(*) FROM comprobantes").item() >= 5
        months = wh.query(
            "SELECT count(*) FROM comprobantes WHERE month <> date_trunc('month', fecha)"
        ).item()
        assert months == 0
        refused = wh.query("SELECT source, motivo FROM documentos_rechazados").rows()
        reasons = {Path(source).name: reason for source, reason in refused}
        assert "neither issued nor received" in reasons["CfdiUtils-cfdi33-real.xml"]
        assert (
            "neither issued nor received" in reasons["phpcfdi-sat-estado-retenciones-ret20-mexican-real.xml"]
        )
        withholdings = wh.query(
            "SELECT count(*), count(*) FILTER (WHERE month = date_trunc('month', fecha_exp)) "
            "FROM retenciones WHERE rfc_emisor = rfc AND direction = 'emitidos'"
        ).row(0)
        assert withholdings == (3, 3)
        assert wh.query("SELECT DISTINCT mode FROM loads").item() == "merge"
    assert home.with_name("cfdi.published.duckdb").is_file()


def test_loading_the_same_files_again_changes_no_table_content(tmp_path: Path, home: Path) -> None:
    folder = _folder_of_fixtures(tmp_path)
    assert _run("load-files", str(folder), "--rfc", ISSUER).exit_code == 0
    with Warehouse.open(home, read_only=True) as wh:
        first = wh.checksums()
    assert _run("load-files", str(folder), "--rfc", ISSUER).exit_code == 0
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.checksums() == first


def test_a_metadata_package_loads_its_records_and_feeds_the_status_history(home: Path) -> None:
    result = _run(
        "load-files", str(SAT_FIXTURES / "packages" / "metadata-terceros.zip"), "--rfc", "AAA010101AAA"
    )
    assert result.exit_code == 0, result.output
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.query("SELECT DISTINCT month, direction FROM metadata").rows()[0][1] == "emitidos"
        assert wh.query("SELECT count(*) FROM metadata").item() == 5
        assert wh.query("SELECT count(*) FROM estatus_historial WHERE estatus = 'vigente'").item() == 5


def test_an_unreadable_zip_is_reported_and_kept_as_a_reject_the_rest_loads_and_the_run_exits_0(
    tmp_path: Path, home: Path
) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is no zip")
    good = tmp_path / "good.xml"
    shutil.copy(CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml", good)
    result = _run("load-files", str(broken), str(good), "--rfc", ISSUER)
    assert result.exit_code == 0, result.output
    assert "not read:" in result.stderr
    assert "broken.zip" in result.stderr
    assert "Traceback" not in result.output
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.query("SELECT count(*) FROM comprobantes").item() == 1
        refused = wh.query("SELECT source, documento, motivo FROM documentos_rechazados").rows()
    assert [(Path(source).name, kind) for source, kind, _ in refused] == [("broken.zip", None)]
    assert "cannot be opened" in refused[0][2]


def test_a_run_where_not_one_input_can_be_read_exits_1_with_a_message(tmp_path: Path, home: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is no zip")
    result = _run("load-files", str(broken), "--rfc", ISSUER)
    assert result.exit_code == 1
    assert "not read:" in result.stderr
    assert "Traceback" not in result.output


def test_a_malformed_rfc_is_refused_before_anything_is_read(tmp_path: Path, home: Path) -> None:
    result = _run("load-files", str(CFDI_FIXTURES), "--rfc", "NOT-AN-RFC")
    assert result.exit_code == 2
    assert "is not an RFC" in result.output
    assert not home.exists()


def test_query_reads_the_published_copy_in_table_csv_and_json(tmp_path: Path, home: Path) -> None:
    assert _run("load-files", str(_folder_of_fixtures(tmp_path)), "--rfc", ISSUER).exit_code == 0
    sql = "SELECT count(*) AS n FROM documentos"
    with Warehouse.open(home, read_only=True) as wh:
        expected = wh.query(sql).item()
    as_csv = _run("query", sql, "--format", "csv")
    assert as_csv.stdout == f"n\n{expected}\n"
    as_json = _run("query", sql, "--format", "json")
    assert json.loads(as_json.stdout) == {"n": expected}
    assert str(expected) in _run("query", sql).stdout
    failed = _run("query", "SELECT nothing_here FROM documentos")
    assert failed.exit_code == 1
    assert "nothing_here" in failed.output


def test_query_cannot_change_the_warehouse(tmp_path: Path, home: Path) -> None:
    assert _run("load-files", str(_folder_of_fixtures(tmp_path)), "--rfc", ISSUER).exit_code == 0
    result = _run("query", "DELETE FROM comprobantes", "--warehouse", str(home))
    assert result.exit_code == 1
    assert "read-only" in result.output


def test_export_writes_each_name_as_hive_partitioned_parquet(tmp_path: Path, home: Path) -> None:
    assert _run("load-files", str(_folder_of_fixtures(tmp_path)), "--rfc", ISSUER).exit_code == 0
    result = _run("export", "comprobantes", "ingresos_egresos_mensuales", "--to", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    partitions = {p.parent.parent.name for p in (tmp_path / "out" / "comprobantes").rglob("*.parquet")}
    assert partitions == {f"rfc={ISSUER}"}
    assert any((tmp_path / "out" / "ingresos_egresos_mensuales").rglob("month=*/*.parquet"))


def test_a_package_of_xml_documents_loads_with_the_zip_as_its_lineage(home: Path) -> None:
    package = SAT_FIXTURES / "packages" / "cfdi.zip"
    result = _run("load-files", str(package), "--rfc", "AAA010101AAA")
    assert result.exit_code == 0, result.output
    with Warehouse.open(home, read_only=True) as wh:
        rows = wh.query("SELECT direction, source_package, source_sha256 FROM comprobantes").rows()
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    # The decoys (__MACOSX, an empty file, a text file, a second copy as .xml.xml) are not documents.
    assert rows == [("emitidos", str(package), digest)]


def _contents(path: Path, table: str) -> list[tuple[object, ...]]:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.query(
            f"SELECT * EXCLUDE (load_id, source_package, source_sha256, loaded_at) FROM {table} ORDER BY ALL"  # noqa: S608
        ).rows()


def test_parsing_on_two_processes_in_small_batches_loads_the_same_contents(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder_of_fixtures(tmp_path)
    assert _run("load-files", str(folder), "--rfc", ISSUER).exit_code == 0
    # Batches of 4 with two workers keep several batches in flight at once.
    monkeypatch.setattr(load_files_module, "_BATCH", 4)
    other = tmp_path / "other.duckdb"
    result = _run("load-files", str(folder), "--rfc", ISSUER, "--processes", "2", "--warehouse", str(other))
    assert result.exit_code == 0, result.output
    # (Two shared fixtures carry one UUID for two different documents, so their payments are left out.)
    for table in ("comprobantes", "conceptos", "impuestos", "retenciones", "documentos_rechazados"):
        assert _contents(other, table) == _contents(home, table), table
