from __future__ import annotations

import polars as pl
import pytest

from schemas import Column, ContractError, Table
from schemas._kinds import MONEY, TEXT, UUID

_TABLE = Table(
    name="example",
    meaning="a table for the contract's own tests",
    columns=(
        Column("uuid", UUID, "the document", nullable=False),
        Column("total", MONEY, "an amount"),
        Column("name", TEXT, "a name"),
    ),
    key=("uuid",),
)


def test_a_frame_with_the_declared_columns_and_types_passes_the_check() -> None:
    frame = pl.DataFrame(
        {"uuid": ["a"], "total": ["1.50"], "name": ["x"]},
    ).with_columns(pl.col("total").cast(pl.Decimal(18, 6)))
    _TABLE.check(frame)


def test_a_float_amount_is_refused_naming_the_column() -> None:
    frame = pl.DataFrame({"uuid": ["a"], "total": [1.5], "name": ["x"]})
    with pytest.raises(ContractError, match=r"total is Float64"):
        _TABLE.check(frame)


def test_missing_and_unexpected_columns_are_both_reported() -> None:
    frame = pl.DataFrame({"uuid": ["a"], "extra": [1]})
    with pytest.raises(ContractError, match=r"missing total.*unexpected extra"):
        _TABLE.check(frame)


def test_an_empty_frame_of_a_table_matches_its_own_contract() -> None:
    _TABLE.check(_TABLE.empty())


def test_a_key_on_an_undeclared_column_is_refused_at_declaration() -> None:
    with pytest.raises(ContractError, match="not declared"):
        Table("bad", "bad", (Column("a", TEXT, "a"),), key=("b",))
