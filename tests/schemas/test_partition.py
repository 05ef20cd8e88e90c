"""One partition value, one RFC rule, one error: from the Dagster key to the warehouse."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from schemas import Direction, Partition, PartitionError, check_rfc, month_of_issue

__all__: list[str] = []

RFC = "EKU9003173C9"


def test_an_rfc_as_a_person_types_it_is_stripped_and_upper_cased() -> None:
    assert check_rfc("  eku9003173c9 ") == RFC
    assert check_rfc("ñaa010101aaa") == "ÑAA010101AAA"


@pytest.mark.parametrize("text", ["", "EKU9003173C", "EKU9003173C9X", "E1U9003173C9", "NOT-AN-RFC"])
def test_anything_else_is_refused_with_what_an_rfc_looks_like(text: str) -> None:
    with pytest.raises(PartitionError, match=r"The issuer RFC .* is not an RFC: .* e\.g\. EKU9003173C9"):
        check_rfc(text, "The issuer RFC")


@pytest.mark.parametrize(
    ("rfc", "month", "direction", "message"),
    [
        ("eku9003173c9", date(2024, 1, 1), None, "is not an RFC"),
        (RFC, date(2024, 1, 15), None, "first day of a month"),
        (RFC, datetime(2024, 1, 1), None, "first day of a month"),
        (RFC, date(2024, 1, 1), "issued", "direction must be one of emitidos, recibidos"),
    ],
)
def test_a_partition_is_built_only_from_canonical_values(
    rfc: str, month: date, direction: str | None, message: str
) -> None:
    with pytest.raises(PartitionError, match=message):
        Partition(rfc, month, direction)  # type: ignore[arg-type]


def test_of_takes_what_a_person_gives_and_sat_words_become_the_enum() -> None:
    partition = Partition.of(" eku9003173c9", datetime(2024, 1, 20, 10, 0), "recibidos")
    assert partition == Partition(RFC, date(2024, 1, 1), Direction.RECEIVED)
    assert partition.direction is Direction.RECEIVED
    assert str(partition) == "EKU9003173C9 2024-01 recibidos"


def test_a_month_is_both_sides_until_one_is_named() -> None:
    month = Partition(RFC, date(2024, 1, 1))
    assert str(month) == "EKU9003173C9 2024-01"
    with pytest.raises(PartitionError, match="names both sides"):
        _ = month.side
    issued = month.with_side(Direction.ISSUED)
    assert issued.side is Direction.ISSUED
    assert issued.whole_month() == month
    assert len({month, issued, Partition(RFC, date(2024, 1, 1))}) == 2


def test_a_document_belongs_to_the_month_of_its_date_of_issue_to_the_last_second() -> None:
    issued = pl.DataFrame(
        {"fecha": [datetime(2024, 1, 31, 23, 59, 59), datetime(2024, 2, 1), datetime(2024, 12, 31, 12), None]}
    )
    months = issued.select(month_of_issue("fecha"))["fecha"].to_list()
    assert months == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 12, 1), None]
