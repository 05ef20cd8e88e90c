from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.warehouse._example import CATALOG, documents
from warehouse import Warehouse, WarehouseError

RFC = "EKU9003173C9"
JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)

_HOLD_OPEN = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
"""


def test_a_published_copy_is_read_while_loads_go_on_and_readers_keep_their_snapshot(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append(documents(range(3)), "p1.zip", "1" * 64)
        published = wh.publish()
        assert published == tmp_path / "wh.published.duckdb"

        reader = duckdb.connect(str(published), read_only=True)
        with wh.load(RFC, FEB, "emitidos", "cfdi") as load:
            load.append(documents(range(10, 15)), "p2.zip", "2" * 64)
        wh.publish()
        # The reader that was open before keeps reading the copy it opened; loads never broke it.
        assert reader.execute("SELECT count(*) FROM documentos").fetchall() == [(3,)]
        reader.close()

        with Warehouse.open(published, catalog=CATALOG, read_only=True) as fresh:
            assert fresh.query("SELECT count(*) FROM documentos").item() == 8
            with pytest.raises(WarehouseError, match="read-only"), fresh.load(RFC, JAN, "emitidos", "cfdi"):
                pass


def test_a_reader_in_another_process_is_sent_to_the_published_copy_while_a_writer_holds_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wh.duckdb"
    with Warehouse.open(path, catalog=CATALOG) as wh:
        wh.publish()
    writer = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseError, match=r"another process.*wh\.published\.duckdb"):
            Warehouse.open(path, catalog=CATALOG, read_only=True)
        with Warehouse.open(path.with_name("wh.published.duckdb"), catalog=CATALOG, read_only=True) as copy:
            assert copy.query("SELECT count(*) FROM documentos").item() == 0
    finally:
        writer.communicate("\n", timeout=30)


def test_export_writes_hive_partitioned_parquet_that_reads_back_the_same_rows(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        for month, numbers in ((JAN, range(3)), (FEB, range(3, 5))):
            with wh.load(RFC, month, "emitidos", "cfdi") as load:
                load.append(documents(numbers), "p.zip", "1" * 64)
        folder = wh.export("lineas", tmp_path / "export")
        expected = wh.query("SELECT uuid::VARCHAR AS uuid, numero, importe FROM lineas ORDER BY ALL")
        again = wh.export("lineas", tmp_path / "export")
    assert again == folder == tmp_path / "export" / "lineas"
    partitions = sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*"))
    assert partitions == [f"rfc={RFC}/month=2024-01-01", f"rfc={RFC}/month=2024-02-01"]
    # Read back by another engine's reader of the same files: UUIDs are Parquet's UUID logical type.
    con = duckdb.connect()
    back = con.sql(
        "SELECT uuid::VARCHAR AS uuid, numero, importe, rfc, month "
        "FROM read_parquet(?, hive_partitioning = true)",
        params=[str(folder / "**" / "*.parquet")],
    ).pl()
    con.close()
    assert back.height == 10
    assert back["rfc"].unique().to_list() == [RFC]
    assert back.select("uuid", "numero", "importe").sort(pl.all()).equals(expected)


def test_exporting_an_unknown_name_lists_what_can_be_exported(tmp_path: Path) -> None:
    with (
        Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh,
        pytest.raises(WarehouseError, match=r"no table or view 'ventas'.*documentos"),
    ):
        wh.export("ventas", tmp_path / "export")
