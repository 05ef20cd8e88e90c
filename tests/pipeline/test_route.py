"""Files a user has are filed by one rule: the side each RFC plays, and the month of issue."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from pipeline import route, split_by_partition
from schemas import Direction, Partition

__all__: list[str] = []

A, B, C = "AAA010101AAA", "BBB020202BB1", "CCC030303CC3"


def _documents() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "uuid": ["u1", "u2", "u3", "u4"],
            "rfc_emisor": [A, B, A, C],
            "rfc_receptor": [B, A, A, B],
            "fecha": [
                datetime(2024, 1, 31, 23, 59, 59),
                datetime(2024, 2, 1, 0, 0, 0),
                datetime(2024, 3, 15, 12, 0, 0),
                datetime(2024, 1, 2, 0, 0, 0),
            ],
        }
    )


def _rows(frame: pl.DataFrame) -> set[tuple[str, str, date, str]]:
    return {(u, r, m, d) for u, r, m, d in frame.select("uuid", "rfc", "month", "direction").iter_rows()}


def test_a_document_goes_to_the_side_its_rfc_plays_in_the_month_of_issue() -> None:
    assert _rows(route(_documents(), {A}, "fecha")) == {
        ("u1", A, date(2024, 1, 1), "emitidos"),
        ("u2", A, date(2024, 2, 1), "recibidos"),
        # Issued to itself: both sides.
        ("u3", A, date(2024, 3, 1), "emitidos"),
        ("u3", A, date(2024, 3, 1), "recibidos"),
    }


def test_several_rfcs_file_one_document_once_for_each_of_them() -> None:
    routed = _rows(route(_documents(), {A, B}, "fecha"))
    assert ("u1", A, date(2024, 1, 1), "emitidos") in routed
    assert ("u1", B, date(2024, 1, 1), "recibidos") in routed
    assert ("u4", B, date(2024, 1, 1), "recibidos") in routed
    assert not any(rfc == C for _, rfc, _, _ in routed)


def test_nothing_to_route_gives_an_empty_frame_with_the_route_columns() -> None:
    assert route(_documents(), set(), "fecha").columns == ["uuid", "rfc", "month", "direction"]
    assert route(_documents(), {"ZZZ990101ZZ9"}, "fecha").height == 0


def test_frames_are_split_into_partition_values_each_with_its_rows_and_columns() -> None:
    documents = _documents()
    lines = pl.DataFrame({"uuid": ["u1", "u1", "u2", "u9"], "importe": [1, 2, 3, 4]})
    split = split_by_partition({"documentos": documents, "lineas": lines}, route(documents, {A}, "fecha"))
    january = Partition(A, date(2024, 1, 1), Direction.ISSUED)
    assert set(split) == {
        january,
        Partition(A, date(2024, 2, 1), Direction.RECEIVED),
        Partition(A, date(2024, 3, 1), Direction.ISSUED),
        Partition(A, date(2024, 3, 1), Direction.RECEIVED),
    }
    assert split[january]["lineas"].columns == ["uuid", "importe"]
    assert split[january]["lineas"]["importe"].to_list() == [1, 2]
    assert split[january]["documentos"]["uuid"].to_list() == ["u1"]


def test_a_table_left_to_the_caller_is_not_split() -> None:
    documents = _documents()
    split = split_by_partition({"documentos": documents}, route(documents, {A}, "fecha"), keep={"documentos"})
    assert split == {}
