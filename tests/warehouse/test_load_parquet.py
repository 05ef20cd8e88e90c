"""Loading batches straight from Parquet files: the same contents and refusals as loading frames."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.warehouse._example import CATALOG, documents, staged, uuid_of
from warehouse import LoadError, Warehouse

RFC = "EKU9003173C9"
JAN = date(2024, 1, 1)


def _count(wh: Warehouse, sql: str) -> int:
    return int(wh.query(sql).item())


def test_parquet_batches_leave_the_same_contents_as_the_same_frames(tmp_path: Path) -> None:
    batches = [(documents(range(5)), "p1.zip", "1" * 64), (documents(range(3, 8)), "p2.zip", "2" * 64)]
    with Warehouse.open(tmp_path / "frames.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            for frames, package, sha in batches:
                load.append(frames, package, sha)
        expected = wh.checksums()
        frames_report = load.report
    with Warehouse.open(tmp_path / "parquet.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            for frames, package, sha in batches:
                load.append_parquet(staged(tmp_path / "stage", package, frames), package, sha)
        assert wh.checksums() == expected
        assert _count(wh, "SELECT count(*) FROM documentos") == 8
        assert _count(wh, "SELECT count(*) FROM lineas") == 16
    assert load.report is not None
    assert frames_report is not None
    assert load.report.rows == frames_report.rows
    assert load.report.duplicates_dropped == frames_report.duplicates_dropped == 2 + 4


def test_a_parquet_batch_with_a_bad_uuid_is_refused_whole_and_the_load_goes_on(tmp_path: Path) -> None:
    bad = documents([1, 2])
    bad["lineas"] = bad["lineas"].with_columns(
        pl.when(pl.col("numero") == 2).then(pl.lit("not-a-uuid")).otherwise(pl.col("uuid")).alias("uuid")
    )
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            with pytest.raises(
                LoadError, match=r"source broken\.zip: table lineas: 2 value\(s\) of uuid are not UUID"
            ):
                load.append_parquet(staged(tmp_path / "s", "broken", bad), "broken.zip", "1" * 64)
            load.append_parquet(staged(tmp_path / "s", "fine", documents([3])), "fine.zip", "2" * 64)
        assert wh.query("SELECT DISTINCT source_package FROM documentos").rows() == [("fine.zip",)]
        assert wh.query("SELECT uuid::VARCHAR FROM documentos").rows() == [(uuid_of(3),)]
    assert load.report is not None
    assert load.report.batches == 1


def test_a_parquet_batch_missing_a_required_value_is_refused_naming_the_column(tmp_path: Path) -> None:
    bad = documents([1, 2])
    bad["lineas"] = bad["lineas"].with_columns(
        pl.when(pl.col("numero") == 2).then(None).otherwise(pl.col("numero")).alias("numero")
    )
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with (
            wh.load(RFC, JAN, "emitidos", "cfdi") as load,
            pytest.raises(LoadError, match=r"table lineas: 2 row\(s\) have no numero"),
        ):
            load.append_parquet(staged(tmp_path / "s", "nulls", bad), "nulls.zip", "1" * 64)
        assert _count(wh, "SELECT count(*) FROM documentos") == 0


def test_a_parquet_file_that_breaks_its_contract_is_refused_naming_file_and_column(tmp_path: Path) -> None:
    frames = documents([1])
    frames["documentos"] = frames["documentos"].with_columns(pl.col("total").cast(pl.Float64))
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            with pytest.raises(LoadError, match=r"floats-0\.documentos\.parquet: .*total is Float64"):
                load.append_parquet(staged(tmp_path / "s", "floats", frames), "floats.zip", "1" * 64)
            missing = {"documentos": [tmp_path / "nowhere.parquet"]}
            with pytest.raises(LoadError, match=r"nowhere\.parquet is not a readable Parquet file"):
                load.append_parquet(missing, "gone.zip", "2" * 64)
        assert _count(wh, "SELECT count(*) FROM documentos") == 0
        assert wh.query("SELECT status FROM loads").rows() == [("committed",)]


def test_a_parquet_file_with_unreadable_data_voids_the_load_and_keeps_the_previous_contents(
    tmp_path: Path,
) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append(documents([1]), "before.zip", "1" * 64)
        files = staged(tmp_path / "s", "corrupt", documents(range(2, 2000)), parts=1)
        [path] = files["lineas"]
        data = bytearray(path.read_bytes())
        data[100 : len(data) // 2] = b"\xff" * (len(data) // 2 - 100)  # data pages, not the footer
        path.write_bytes(bytes(data))
        with (
            pytest.raises(LoadError, match=r"table lineas could not be read, the load is void"),
            wh.load(RFC, JAN, "emitidos", "cfdi") as load,
        ):
            load.append_parquet(files, "corrupt.zip", "2" * 64)
        assert wh.query("SELECT uuid::VARCHAR, source_package FROM documentos").rows() == [
            (uuid_of(1), "before.zip")
        ]
        assert wh.query("SELECT status FROM loads ORDER BY started_at").rows() == [
            ("committed",),
            ("failed",),
        ]
