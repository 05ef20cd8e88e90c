from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.warehouse._example import CATALOG, RECHAZOS, documents, rejects, statuses, uuid_of
from warehouse import LoadError, Warehouse

RFC = "EKU9003173C9"
OTHER = "XAXX010101000"
JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG)


def _count(wh: Warehouse, sql: str, params: list[object] | None = None) -> int:
    return int(wh.query(sql, params).item())


def test_a_new_file_gets_every_table_with_partition_and_lineage_columns(wh: Warehouse) -> None:
    columns = wh.query(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE table_name = 'documentos' ORDER BY column_index"
    )
    assert columns["column_name"].to_list() == [
        "rfc", "month", "direction", "uuid", "total", "nombre",
        "load_id", "source_package", "source_sha256", "loaded_at",
    ]  # fmt: skip
    assert dict(columns.iter_rows())["uuid"] == "UUID"
    assert dict(columns.iter_rows())["total"] == "DECIMAL(18,6)"
    tables = set(wh.query("SELECT table_name FROM duckdb_tables()")["table_name"])
    assert {"documentos", "lineas", "rechazos", "estados", "loads", "estatus_historial"} <= tables


def test_a_load_replaces_exactly_its_own_partition(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(10)), "jan.zip", "a" * 64)
    with wh.load(RFC, FEB, "emitidos", "cfdi") as load:
        load.append(documents(range(10, 15)), "feb.zip", "b" * 64)
    with wh.load(OTHER, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(20, 23)), "other.zip", "c" * 64)

    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(100, 103)), "jan-again.zip", "d" * 64)

    per_partition = wh.query(
        "SELECT rfc, month, count(*), any_value(source_package) FROM documentos GROUP BY ALL ORDER BY ALL"
    ).rows()
    assert per_partition == [
        (RFC, JAN, 3, "jan-again.zip"),
        (RFC, FEB, 5, "feb.zip"),
        (OTHER, JAN, 3, "other.zip"),
    ]
    assert _count(wh, "SELECT count(*) FROM lineas WHERE rfc = ? AND month = ?", [RFC, JAN]) == 6
    assert load.report is not None
    assert load.report.rows_replaced == 10 + 20
    assert load.report.rows == {"documentos": 3, "lineas": 6, "rechazos": 0}


def test_a_uuid_in_two_batches_is_stored_once_with_its_lines_not_doubled(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "recibidos", "cfdi") as load:
        load.append(documents(range(5)), "p1.zip", "1" * 64)
        load.append(documents(range(3, 8)), "p2.zip", "2" * 64)
    assert _count(wh, "SELECT count(*) FROM documentos") == 8
    assert _count(wh, "SELECT count(DISTINCT uuid) FROM documentos") == 8
    assert _count(wh, "SELECT count(*) FROM lineas") == 16
    assert load.report is not None
    assert load.report.duplicates_dropped == 2 + 4
    # The batch kept for a shared UUID is chosen by source, not by arrival: p1 (sha 111…) wins.
    assert wh.query("SELECT source_package FROM documentos WHERE uuid = ?", [uuid_of(4)]).item() == "p1.zip"


def test_the_same_key_twice_inside_one_batch_is_stored_once(wh: Warehouse) -> None:
    frames = documents([1, 1, 2])
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(frames, "dup.zip", "e" * 64)
    assert _count(wh, "SELECT count(*) FROM documentos") == 2
    assert _count(wh, "SELECT count(*) FROM lineas") == 4


def _load_all(wh: Warehouse, order: list[int]) -> None:
    inputs = [
        (RFC, JAN, "emitidos", documents(range(0, 6)), "a.zip"),
        (RFC, JAN, "emitidos", documents(range(4, 9), total="7.25"), "b.zip"),
        (RFC, FEB, "recibidos", documents(range(50, 53)), "c.zip"),
        (OTHER, JAN, "recibidos", documents(range(0, 3)), "d.zip"),
    ]
    # Batches of one partition go in one load; partitions load in the order given.
    partitions: dict[tuple[str, date, str], list[tuple[dict[str, pl.DataFrame], str]]] = {}
    for i in order:
        rfc, month, direction, frames, name = inputs[i]
        partitions.setdefault((rfc, month, direction), []).append((frames, name))
    for (rfc, month, direction), batches in partitions.items():
        with wh.load(rfc, month, direction, "cfdi") as load:
            for frames, name in batches:
                load.append(frames, name, name.replace(".zip", "").ljust(64, "0"))
    # Metadata of both sides of documents 0-2, the issuer's listing 1 as cancelled since.
    metadata = {
        (RFC, "emitidos"): statuses([(0, None), (1, datetime(2024, 2, 3)), (2, None)]),
        (OTHER, "recibidos"): statuses([(0, None), (1, datetime(2024, 2, 3)), (2, None)]),
    }
    for rfc, direction in sorted(metadata, reverse=order[0] != 0):
        with wh.load(rfc, JAN, direction, "metadata") as load:
            load.append(metadata[rfc, direction], f"{rfc}-meta.zip", "f" * 64)


def test_loading_the_same_input_twice_or_in_another_order_leaves_identical_contents(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "once.duckdb", catalog=CATALOG) as once:
        _load_all(once, [0, 1, 2, 3])
        expected = once.checksums()
    with Warehouse.open(tmp_path / "twice.duckdb", catalog=CATALOG) as twice:
        _load_all(twice, [0, 1, 2, 3])
        _load_all(twice, [0, 1, 2, 3])
        assert twice.checksums() == expected
    with Warehouse.open(tmp_path / "reversed.duckdb", catalog=CATALOG) as reordered:
        _load_all(reordered, [3, 2, 1, 0])
        assert reordered.checksums() == expected
    assert expected["documentos"].startswith("15:")  # 9 + 3 + 3 documents
    assert expected["estatus_historial"].startswith("3:")  # 0 and 2 vigente, 1 first seen cancelado


def test_a_load_that_fails_leaves_the_previous_contents_and_is_recorded(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(4)), "good.zip", "f" * 64)
    before = wh.checksums()

    failing_ids: list[str] = []

    def a_parser_that_fails_after_one_batch() -> None:
        with wh.load(RFC, JAN, "emitidos", "cfdi") as failing:
            failing_ids.append(failing.load_id)
            failing.append(documents(range(100, 110)), "next.zip", "0" * 64)
            raise RuntimeError("parser blew up")

    with pytest.raises(RuntimeError, match="parser blew up"):
        a_parser_that_fails_after_one_batch()

    assert wh.checksums() == before
    status, error, sources = wh.query(
        "SELECT status, error, sources FROM loads WHERE load_id = ?", failing_ids
    ).row(0)
    assert status == "failed"
    assert "parser blew up" in error
    assert sources == ["next.zip"]
    assert _count(wh, "SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, '_stage')") == 0


def test_a_batch_with_a_bad_uuid_is_refused_naming_its_package_and_the_rest_loads(wh: Warehouse) -> None:
    bad = documents([1])
    bad["documentos"] = bad["documentos"].with_columns(pl.lit("not-a-uuid").alias("uuid"))
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents([7]), "first.zip", "1" * 64)
        with pytest.raises(LoadError, match=r"source broken\.zip: table documentos"):
            load.append(bad, "broken.zip", "2" * 64)
        load.append(documents([8]), "third.zip", "3" * 64)
    assert wh.query("SELECT DISTINCT source_package FROM lineas ORDER BY ALL").to_series().to_list() == [
        "first.zip",
        "third.zip",
    ]
    assert _count(wh, "SELECT count(*) FROM lineas") == 4


def test_a_frame_that_breaks_its_contract_is_refused_with_the_column_named(wh: Warehouse) -> None:
    frames = documents([1])
    frames["documentos"] = frames["documentos"].with_columns(pl.col("total").cast(pl.Float64))
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        with pytest.raises(LoadError, match="total is Float64"):
            load.append(frames, "floats.zip", "1" * 64)
        with pytest.raises(LoadError, match="has no table 'facturas'"):
            load.append({"facturas": RECHAZOS.empty()}, "x.zip", "1" * 64)
    assert _count(wh, "SELECT count(*) FROM documentos") == 0


@pytest.mark.parametrize(
    ("rfc", "month", "direction", "message"),
    [
        ("eku9003173c9", JAN, "emitidos", "is not an RFC"),
        (RFC, date(2024, 1, 15), "emitidos", "first day of a month"),
        (RFC, JAN, "issued", "direction must be one of emitidos, recibidos"),
    ],
)
def test_a_wrong_partition_is_refused_before_anything_is_staged(
    wh: Warehouse, rfc: str, month: date, direction: str, message: str
) -> None:
    with pytest.raises(LoadError, match=message), wh.load(rfc, month, direction, "cfdi"):
        pass
    assert _count(wh, "SELECT count(*) FROM loads") == 0


def test_an_unknown_dataset_is_refused_listing_the_known_ones(wh: Warehouse) -> None:
    with (
        pytest.raises(LoadError, match="the warehouse loads cfdi, metadata"),
        wh.load(RFC, JAN, "emitidos", "xml"),
    ):
        pass


def test_the_same_uuid_issued_by_one_rfc_and_received_by_another_is_stored_once_per_side(
    wh: Warehouse,
) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents([1, 2]), "issuer.zip", "1" * 64)
    with wh.load(OTHER, JAN, "recibidos", "cfdi") as load:
        load.append(documents([2, 3]), "receiver.zip", "2" * 64)
    sides = wh.query("SELECT rfc, direction FROM documentos WHERE uuid = ? ORDER BY ALL", [uuid_of(2)]).rows()
    assert sides == [(RFC, "emitidos"), (OTHER, "recibidos")]


def test_the_loads_table_records_what_when_how_many_and_how_long(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(3)), "p1.zip", "1" * 64)
        load.append(rejects(["bad1.xml", "bad2.xml"]), "p1.zip", "1" * 64)
    assert load.report is not None
    row = wh.query("SELECT * FROM loads WHERE load_id = ?", [load.report.load_id]).row(0, named=True)
    assert row["status"] == "committed"
    assert (row["dataset"], row["rfc"], row["month"], row["direction"]) == ("cfdi", RFC, JAN, "emitidos")
    assert json.loads(row["rows_per_table"]) == {"documentos": 3, "lineas": 6, "rechazos": 2}
    assert (row["rows"], row["rejects"]) == (11, 2)
    assert row["sources"] == ["p1.zip", "p1.zip"]
    assert row["finished_at"] >= row["started_at"]
    assert row["duration_ms"] >= 0
    stored = wh.query("SELECT DISTINCT load_id, loaded_at IS NOT NULL FROM lineas").rows()
    assert stored == [(load.report.load_id, True)]
    assert load.report.rejects == 2


def test_rejects_are_stored_with_reason_and_source_and_kept_per_key(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(rejects(["a.xml"]), "p1.zip", "1" * 64)
        load.append(rejects(["a.xml", "b.xml"]), "p2.zip", "2" * 64)
    assert wh.query("SELECT source, motivo FROM rechazos ORDER BY source").rows() == [
        ("a.xml", "not well-formed"),
        ("b.xml", "not well-formed"),
    ]


def test_a_load_with_no_batches_empties_its_partition_as_sat_said_there_is_nothing(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(3)), "p1.zip", "1" * 64)
    with wh.load(RFC, JAN, "emitidos", "cfdi") as empty:
        pass
    assert _count(wh, "SELECT count(*) FROM documentos") == 0
    assert empty.report is not None
    assert empty.report.rows_replaced == 3 + 6


def test_the_warehouse_is_a_real_file_that_another_process_reads_after_close(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    with Warehouse.open(path, catalog=CATALOG) as wh, wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(2)), "p.zip", "1" * 64)
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documentos").fetchall() == [(2,)]
    finally:
        con.close()


def test_a_table_two_datasets_share_loses_only_the_reloaded_datasets_rows(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(rejects(["cfdi.xml"]), "c.zip", "1" * 64)
    with wh.load(RFC, JAN, "emitidos", "retenciones") as load:
        load.append(rejects(["ret.xml"]), "r.zip", "2" * 64)
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(rejects(["cfdi2.xml"]), "c2.zip", "3" * 64)
    assert wh.query("SELECT source FROM rechazos ORDER BY ALL").to_series().to_list() == [
        "cfdi2.xml",
        "ret.xml",
    ]


def test_a_merge_replaces_only_the_documents_it_brings_and_keeps_the_rest(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        load.append(documents(range(5)), "sat.zip", "1" * 64)
        load.append(rejects(["old.xml"]), "sat.zip", "1" * 64)
    for _ in range(2):
        with wh.load(RFC, JAN, "emitidos", "cfdi", merge=True) as merge:
            merge.append(documents([3, 4, 9], lines=3, total="9.00"), "user-folder", "2" * 64)
            merge.append(rejects(["old.xml", "new.xml"]), "user-folder", "2" * 64)
    totals = wh.query("SELECT uuid::VARCHAR, total, source_package FROM documentos ORDER BY uuid").rows()
    assert [(u, str(t), s) for u, t, s in totals] == [
        *((uuid_of(n), "100.500000", "sat.zip") for n in range(3)),
        *((uuid_of(n), "9.000000", "user-folder") for n in (3, 4, 9)),
    ]
    assert _count(wh, "SELECT count(*) FROM lineas") == 3 * 2 + 3 * 3
    assert wh.query("SELECT source FROM rechazos ORDER BY source").to_series().to_list() == [
        "new.xml",
        "old.xml",
    ]
    assert merge.report is not None
    assert merge.report.rows_replaced == 3 + 9 + 2
    assert wh.query("SELECT mode FROM loads ORDER BY started_at").to_series().to_list() == [
        "replace",
        "merge",
        "merge",
    ]


def test_a_batch_missing_a_required_value_is_refused_whole_and_the_load_goes_on(wh: Warehouse) -> None:
    bad = documents([1, 2])
    bad["lineas"] = bad["lineas"].with_columns(
        pl.when(pl.col("numero") == 2).then(None).otherwise(pl.col("numero")).alias("numero")
    )
    with wh.load(RFC, JAN, "emitidos", "cfdi") as load:
        with pytest.raises(LoadError, match=r"source nulls\.zip: table lineas: 2 row\(s\) have no numero"):
            load.append(bad, "nulls.zip", "1" * 64)
        load.append(documents([3]), "fine.zip", "2" * 64)
    assert wh.query("SELECT DISTINCT source_package FROM documentos").rows() == [("fine.zip",)]
    assert load.report is not None
    assert load.report.batches == 1
