"""The document tables' contracts: what the warehouse and the data dictionary are generated from."""

from __future__ import annotations

import pytest

from etl.parse.documents import DOCUMENT_TABLES
from schemas import Table
from schemas._kinds import MONEY, QUANTITY, RATE


@pytest.mark.parametrize("table", DOCUMENT_TABLES, ids=lambda table: table.name)
def test_a_document_table_has_a_meaning_a_non_null_key_and_exact_amounts(table: Table) -> None:
    assert table.meaning
    assert all(column.meaning for column in table.columns)
    assert all(not table.column(name).nullable for name in table.key)
    for column in table.columns:
        if column.name in ("importe", "total", "monto", "base", "tasa_o_cuota", "cantidad", "tipo_cambio"):
            assert column.kind in (MONEY, QUANTITY, RATE), f"{table.name}.{column.name} must be exact decimal"


def test_every_document_table_is_named_once_in_spanish_snake_case() -> None:
    names = [table.name for table in DOCUMENT_TABLES]
    assert len(names) == len(set(names))
    for table in DOCUMENT_TABLES:
        assert table.name == table.name.lower()
        assert all(column.name == column.name.lower() for column in table.columns)


def test_every_table_with_rows_per_document_starts_with_the_stamp_uuid() -> None:
    for table in DOCUMENT_TABLES:
        if table.name != "documentos_rechazados":
            assert table.columns[0].name == "uuid"
            assert table.key[0] == "uuid"
