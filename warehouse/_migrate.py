"""The schema version of a warehouse file: create it, migrate it forward, or refuse it with what to do.

Additive changes to the contracts (a new table, a new column) are applied automatically on open.
Anything else (a changed type, a removed column) needs an explicit step in `_STEPS` and a new
`SCHEMA_VERSION`; without one the file is refused rather than altered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse._catalog import Catalog
from warehouse._ddl import column_definition, create_table, first_row, ident, stored_columns
from warehouse._errors import IncompatibleWarehouseError

__all__ = ["META_TABLE", "SCHEMA_VERSION", "check_compatible", "migrate"]

SCHEMA_VERSION = 1
META_TABLE = "_warehouse"

# version n -> the step that turns a version-n file into version n+1; none exist before version 1.
_STEPS: Mapping[int, Callable[[duckdb.DuckDBPyConnection], None]] = {}

_REBUILD = (
    "it cannot be changed in place: export what you need (`cfdi-etl export`), move the file aside "
    "and load again from the package store (`cfdi-etl load-files` or the Dagster job)"
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
        "AND table_name IN (SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main') "
        "ORDER BY table_name, column_index"
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def _normal(data_type: str) -> str:
    return data_type.upper().replace(" ", "")


def _read_version(con: duckdb.DuckDBPyConnection, path: Path, tables: Mapping[str, object]) -> int | None:
    if META_TABLE not in tables:
        if tables:
            raise IncompatibleWarehouseError(
                f"{path} is a DuckDB database that cfdi-etl did not create (it has tables "
                f"{', '.join(sorted(tables))} and no {META_TABLE}); give another --warehouse path"
            )
        return None
    row = first_row(con, f"SELECT schema_version FROM {META_TABLE}")  # noqa: S608
    if row is None:
        raise IncompatibleWarehouseError(f"{path}: {META_TABLE} is empty; the file is damaged. {_REBUILD}")
    version = int(str(row[0]))
    if version > SCHEMA_VERSION:
        raise IncompatibleWarehouseError(
            f"{path} was written by a newer cfdi-etl (warehouse schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}): upgrade cfdi-etl to use it"
        )
    return version


def _differences(catalog: Catalog, path: Path, existing: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The additive statements that bring the file up to the contracts; refuses anything else."""
    statements: list[str] = []
    for table in catalog.tables:
        have = existing.get(table.name)
        if have is None:
            statements += create_table(table)
            continue
        wanted = {c.name: c for c in stored_columns(table)}
        removed = [name for name in have if name not in wanted]
        if removed:
            raise IncompatibleWarehouseError(
                f"{path}: table {table.name} has columns {removed} that this cfdi-etl no longer declares; "
                + _REBUILD
            )
        for column in wanted.values():
            if column.name not in have:
                # Added columns must be nullable: rows already stored have no value for them.
                nullable = replace(column, nullable=True)
                statements.append(f"ALTER TABLE {ident(table.name)} ADD COLUMN {column_definition(nullable)}")
            elif _normal(have[column.name]) != _normal(column.kind.duckdb):
                raise IncompatibleWarehouseError(
                    f"{path}: column {table.name}.{column.name} is {have[column.name]} in the file but "
                    f"{column.kind.duckdb} in this cfdi-etl; " + _REBUILD
                )
    return statements


def check_compatible(con: duckdb.DuckDBPyConnection, catalog: Catalog, path: Path) -> None:
    """For a read-only open: the file must already match; a reader never migrates."""
    existing = _existing_columns(con)
    version = _read_version(con, path, existing)
    if version is None:
        raise IncompatibleWarehouseError(f"{path} holds no warehouse yet: load something into it first")
    if version < SCHEMA_VERSION or _differences(catalog, path, existing):
        raise IncompatibleWarehouseError(
            f"{path} needs a migration to this cfdi-etl's schema: open it once for writing "
            "(any load does), then publish again"
        )


def migrate(con: duckdb.DuckDBPyConnection, catalog: Catalog, path: Path) -> list[str]:
    """Create or bring the file forward in one transaction; return the statements applied."""
    existing = _existing_columns(con)
    version = _read_version(con, path, existing)
    applied: list[str] = []
    con.execute("BEGIN TRANSACTION")
    try:
        if version is None:
            con.execute(
                f"CREATE TABLE {META_TABLE} (schema_version INTEGER NOT NULL, "
                "created_at TIMESTAMP NOT NULL, migrated_at TIMESTAMP)"
            )
            con.execute(f"INSERT INTO {META_TABLE} VALUES (?, ?, NULL)", [SCHEMA_VERSION, _now()])  # noqa: S608
        else:
            for step_from in range(version, SCHEMA_VERSION):
                step = _STEPS.get(step_from)
                if step is None:
                    raise IncompatibleWarehouseError(
                        f"{path} has warehouse schema {version} and no migration to {SCHEMA_VERSION} exists; "
                        + _REBUILD
                    )
                step(con)
                applied.append(f"migration step {step_from} -> {step_from + 1}")
            existing = _existing_columns(con)
        statements = _differences(catalog, path, existing)
        for statement in statements:
            con.execute(statement)
        applied += statements
        if version is not None and applied:
            con.execute(
                f"UPDATE {META_TABLE} SET schema_version = ?, migrated_at = ?",  # noqa: S608
                [SCHEMA_VERSION, _now()],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return applied
