"""Checked batches are written together: each row keeps its own batch's lineage, every checked row lands
or the load is void, and frames do not wait in memory past their limits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.warehouse._example import CATALOG, documents, staged, uuid_of
from warehouse import LoadError, Warehouse
from warehouse import _load as load_module

RFC = "EKU9003173C9"
JAN = date(2024, 1, 1)


def _rows_in_transaction(load: load_module.Load, table: str) -> int:
    """What the load's own transaction holds so far (other connections see nothing until the commit)."""
    [(rows,)] = load.con.execute(f"SELECT count(*) FROM {table}").fetchall()  # noqa: S608
    return int(rows)


@pytest.mark.parametrize("way", ["frames", "parquet"])
def test_each_row_keeps_its_own_batchs_package_and_checksum_when_batches_are_written_together(
    tmp_path: Path, way: str
) -> None:
    batches = [(documents(range(10 * k, 10 * k + 10)), f"p{k}.zip", f"{k:x}" * 64) for k in range(7)]
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            for frames, package, sha in batches:
                if way == "frames":
                    load.append(frames, package, sha)
                else:
                    load.append_parquet(staged(tmp_path / "s", package, frames), package, sha)
        for table in ("documentos", "lineas"):
            lineage = wh.query(
                f"SELECT DISTINCT uuid::VARCHAR, source_package, source_sha256 FROM {table}"  # noqa: S608
            ).rows()
            assert sorted(lineage) == sorted(
                (uuid_of(n), f"p{n // 10}.zip", f"{n // 10:x}" * 64) for n in range(70)
            )
    assert load.report is not None
    assert load.report.rows == {"documentos": 70, "lineas": 140, "rechazos": 0}
    assert load.report.batches == 7


def test_a_parquet_file_appended_in_two_batches_loads_as_the_same_frames_twice(tmp_path: Path) -> None:
    frames = documents(range(4))
    with Warehouse.open(tmp_path / "frames.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append(frames, "a.zip", "a" * 64)
            load.append(frames, "b.zip", "b" * 64)
        expected, expected_report = wh.checksums(), load.report
    files = staged(tmp_path / "s", "same", frames)
    with Warehouse.open(tmp_path / "parquet.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append_parquet(files, "a.zip", "a" * 64)
            load.append_parquet(files, "b.zip", "b" * 64)
        assert wh.checksums() == expected
        assert wh.query("SELECT DISTINCT source_package FROM lineas").rows() == [("a.zip",)]
    assert load.report is not None
    assert expected_report is not None
    assert load.report.duplicates_dropped == expected_report.duplicates_dropped == 4 + 8


@pytest.mark.parametrize("change", ["rewritten", "removed"])
def test_a_staged_file_that_changes_before_the_commit_voids_the_load_and_keeps_the_previous_contents(
    tmp_path: Path, change: str
) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append(documents([1]), "before.zip", "1" * 64)
        files = staged(tmp_path / "s", "moving", documents(range(2, 12)), parts=1)

        def a_stage_changed_while_the_load_runs() -> None:
            with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
                load.append_parquet(files, "moving.zip", "2" * 64)
                [path] = files["documentos"]
                if change == "removed":
                    path.unlink()
                else:
                    documents([20, 21])["documentos"].write_parquet(path)

        void = r"table documentos \(from moving\.zip\): a staged file was changed or removed after it was"
        with pytest.raises(LoadError, match=void):
            a_stage_changed_while_the_load_runs()
        assert wh.query("SELECT uuid::VARCHAR, source_package FROM documentos").rows() == [
            (uuid_of(1), "before.zip")
        ]
        assert wh.query("SELECT status FROM loads ORDER BY started_at").rows() == [
            ("committed",),
            ("failed",),
        ]


def test_frames_are_written_before_the_commit_once_a_table_has_enough_rows_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_module, "_WRITE_ROWS", 5)
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append(documents(range(3), lines=1), "p1.zip", "1" * 64)
            assert _rows_in_transaction(load, "documentos") == 0  # 3 rows wait
            load.append(documents(range(3, 6), lines=1), "p2.zip", "2" * 64)
            assert _rows_in_transaction(load, "documentos") == 6
            load.append(documents([6], lines=1), "p3.zip", "3" * 64)
            assert _rows_in_transaction(load, "documentos") == 6  # the newest row waits
        assert wh.query("SELECT count(*), count(DISTINCT source_package) FROM documentos").rows() == [(7, 3)]


def test_all_waiting_frames_are_written_once_they_take_too_much_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_module, "_WAITING_BYTES", 1)
    with Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG) as wh:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
            load.append(documents(range(3)), "p1.zip", "1" * 64)
            assert _rows_in_transaction(load, "documentos") == 3
            assert _rows_in_transaction(load, "lineas") == 6
        assert wh.query("SELECT count(*) FROM lineas").item() == 6
