"""DDL derived from the table contracts: the stored columns of a table and the statements that create it."""

from __future__ import annotations

import duckdb

from schemas import LINEAGE_COLUMNS, PARTITION_COLUMNS, Column, Table

__all__ = ["column_list", "create_table", "first_row", "ident", "literal", "stored_columns"]


def ident(name: str) -> str:
    """A quoted SQL identifier (names come from contracts, but quoting keeps any of them legal)."""
    return '"' + name.replace('"', '""') + '"'


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple[object, ...] | None:
    """The first row of a statement's result, reading it to the end (DuckDB 2 wants results finished)."""
    rows = con.execute(sql, params).fetchall()
    return tuple(rows[0]) if rows else None


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_list(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(ident(n) for n in names)


def stored_columns(table: Table) -> tuple[Column, ...]:
    """A partitioned table is stored with its partition first and its lineage last."""
    if not table.partitioned:
        return table.columns
    return (*table.with_columns_first(PARTITION_COLUMNS), *LINEAGE_COLUMNS)


def column_definition(column: Column) -> str:
    return f"{ident(column.name)} {column.kind.duckdb}{'' if column.nullable else ' NOT NULL'}"


def create_table(table: Table) -> list[str]:
    """CREATE TABLE plus COMMENTs carrying each meaning, so analysts see it in duckdb_columns().

    No primary key and no index: the loader guarantees uniqueness per partition, and a UUID key made
    bulk loads several times slower and the file 2-3x larger (design.md).
    """
    columns = ",\n  ".join(column_definition(c) for c in stored_columns(table))
    statements = [
        f"CREATE TABLE {ident(table.name)} (\n  {columns}\n)",
        f"COMMENT ON TABLE {ident(table.name)} IS {literal(table.meaning)}",
    ]
    statements += [
        f"COMMENT ON COLUMN {ident(table.name)}.{ident(c.name)} IS {literal(c.meaning)}"
        for c in stored_columns(table)
    ]
    return statements
