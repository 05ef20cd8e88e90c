"""The building blocks of a table contract: a logical type, a column, a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

__all__ = ["Column", "ContractError", "Kind", "Table"]


class ContractError(ValueError):
    """A frame does not match the contract of the table it claims to fill."""


@dataclass(frozen=True, slots=True)
class Kind:
    """A logical type, spelled once for Polars and once for DuckDB."""

    name: str
    polars: pl.DataType
    duckdb: str


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    """One table: what a parser produces and, with partition and lineage, what the warehouse stores."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    partitioned: bool = True
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {c.name: c for c in self.columns}
        if len(by_name) != len(self.columns):
            raise ContractError(f"table {self.name}: a column is declared twice")
        missing = [k for k in self.key if k not in by_name]
        if missing:
            raise ContractError(f"table {self.name}: key columns {missing} are not declared")
        object.__setattr__(self, "_by_name", by_name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.kind.polars for c in self.columns})

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise ContractError(f"table {self.name} has no column {name!r}") from None

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)

    def check(self, frame: pl.DataFrame) -> None:
        """Raise ContractError unless the frame has exactly this table's columns, order and dtypes."""
        if frame.schema == self.schema:
            return
        expected, actual = self.schema, frame.schema
        problems: list[str] = []
        for name in expected:
            if name not in actual:
                problems.append(f"missing {name}")
            elif actual[name] != expected[name]:
                problems.append(f"{name} is {actual[name]}, expected {expected[name]}")
        problems += [f"unexpected {name}" for name in actual if name not in expected]
        if not problems:
            problems.append(f"column order {list(actual)} differs from {list(expected)}")
        raise ContractError(f"frame for {self.name}: " + "; ".join(problems))

    def with_columns_first(self, extra: Iterable[Column]) -> tuple[Column, ...]:
        return (*extra, *self.columns)
