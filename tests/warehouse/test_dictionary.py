from __future__ import annotations

import re
from pathlib import Path

from warehouse import Warehouse
from warehouse._datasets import default_catalog
from warehouse.dictionary import DOCUMENT, render


def test_the_committed_data_dictionary_is_what_the_contracts_and_views_generate() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "run: python -m warehouse.dictionary"


def test_every_example_query_in_the_data_dictionary_runs(tmp_path: Path) -> None:
    examples = re.findall(r"```sql\n(.*?)```", DOCUMENT.read_text(encoding="utf-8"), flags=re.DOTALL)
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        assert len(examples) == len(wh.catalog.views)
        for example in examples:
            wh.query(example)


def test_every_table_and_column_of_the_contracts_is_documented() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    for table in default_catalog().tables:
        assert f"### `{table.name}`" in text
        for column in table.names:
            assert f"| `{column}` |" in text
