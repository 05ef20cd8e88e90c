"""What two runs must agree on to have loaded "the same month": every table's rows, but not when or from
which of SAT's packages they came."""

from __future__ import annotations

from schemas.agregados import AGREGADO_TABLES
from warehouse import Warehouse

__all__ = ["warehouse_content"]

# Which load wrote a row, when, when the status history first saw it, and from which of SAT's packages and
# package entries (ids differ between sandboxes and between a request and its successor).
_LINEAGE = frozenset(
    {"load_id", "loaded_at", "cargado_en", "visto_desde", "source", "source_package", "source_sha256"}
)
# The ledger's snapshot records the faults themselves; the summary tables are derived at publish from the
# tables compared here, with when each document was seen.
_NOT_CONTENT = frozenset({"loads", "solicitudes_sat"} | {t.name for t in AGREGADO_TABLES})


def warehouse_content(warehouse: str) -> dict[str, tuple[int, int]]:
    """Per table, (rows, sum of row hashes) over every column but lineage: equal means the same rows."""
    sums: dict[str, tuple[int, int]] = {}
    with Warehouse.open(warehouse, read_only=True) as opened:
        for table in opened.catalog.tables:
            if table.name in _NOT_CONTENT:
                continue
            columns = opened.query(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?",
                [table.name],
            )["column_name"].to_list()
            hashed = ", ".join(f'"{c}"' for c in columns if c not in _LINEAGE)
            summed = f"coalesce(sum(hash({hashed})::HUGEINT), 0)::VARCHAR"
            row = opened.query(f'SELECT count(*) AS n, {summed} AS h FROM "{table.name}"')  # noqa: S608
            sums[table.name] = (int(row["n"][0]), int(row["h"][0]))
    return sums
