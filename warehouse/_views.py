"""Analyst views: one `NN_name.sql` file per view under `views/`, created in the order of NN.

Each file starts with `-- meaning:` and `-- example:` comment blocks (continued on following `--` lines),
then the view's SELECT. The data dictionary (docs/warehouse.md) is generated from the same text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb

from schemas import REJECTS_PARTITION
from warehouse._catalog import View
from warehouse._ddl import first_row, ident, literal
from warehouse._migrate import META_TABLE

__all__ = ["MONEY_MACROS", "PARTITION_MACROS", "VIEWS_DIR", "create_views", "read_views"]

VIEWS_DIR = Path(__file__).with_name("views")
_FILE = re.compile(r"(\d+)_([a-z][a-z0-9_]*)\.sql")
_FIELD = re.compile(r"--\s*(meaning|example):\s?(.*)")
# The column of the file's version row recording which views it holds (see create_views).
_FINGERPRINT = "views_sha256"


def _parse(path: Path, name: str) -> View:
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _FIELD.match(line)
        if match:
            current = fields.setdefault(match.group(1), [])
            current.append(match.group(2).strip())
        elif line.startswith("--") and current is not None and not body:
            current.append(line[2:].strip())
        else:
            current = None
            body.append(line)
    missing = [f for f in ("meaning", "example") if f not in fields]
    if missing:
        raise ValueError(f"{path.name}: the header lacks {missing}")
    return View(
        name=name,
        meaning=" ".join(fields["meaning"]).strip(),
        sql="\n".join(body).strip().rstrip(";"),
        example=" ".join(fields["example"]).strip().rstrip(";"),
    )


def read_views(directory: Path = VIEWS_DIR) -> tuple[View, ...]:
    """Every view file in `directory`, in creation order."""
    found: list[tuple[int, View]] = []
    for path in directory.glob("*.sql"):
        match = _FILE.fullmatch(path.name)
        if match is None:
            raise ValueError(f"{path}: view files are named NN_name.sql (lower-case name)")
        found.append((int(match.group(1)), _parse(path, match.group(2))))
    return tuple(view for _, view in sorted(found, key=lambda item: (item[0], item[1].name)))


# The one rule for money in views: MXN rounded to the cent per document (half away from zero, as SAT
# rounds), then summed, typed DECIMAL(18,2); tables keep full precision. Stored in the file's catalog, so
# the published read-only copy has them too. A per-document amount beyond DECIMAL(18,2) (only a document
# whose conversion to MXN already overflowed, flagged conversion_mxn_fuera_de_rango) is null, as its
# stored conversion is, rather than failing every query of the view.
MONEY_MACROS = (
    "CREATE OR REPLACE MACRO centavos(x) AS TRY_CAST(ROUND(x, 2) AS DECIMAL(18, 2))",
    "CREATE OR REPLACE MACRO suma_centavos(x) AS CAST(SUM(centavos(x)) AS DECIMAL(18, 2))",
)

# The partition load-files keeps its rejects in is no taxpayer's month: views that say what was loaded
# leave it out by this one test of its RFC.
PARTITION_MACROS = (
    f"CREATE OR REPLACE MACRO es_rfc_de_rechazos(rfc) AS rfc = {literal(REJECTS_PARTITION.rfc)}",
)
_MACROS = (*MONEY_MACROS, *PARTITION_MACROS)


def _fingerprint(views: Iterable[View]) -> str:
    """The sha256 of everything `create_views` writes: the macros, each view's name, SQL and meaning."""
    digest = hashlib.sha256()
    for text in (*_MACROS, *(part for v in views for part in (v.name, v.sql, v.meaning))):
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _current(con: duckdb.DuckDBPyConnection, views: tuple[View, ...], fingerprint: str) -> bool:
    """Whether the file already holds exactly these views: its recorded fingerprint matches and none of
    them was dropped since."""
    try:
        row = first_row(con, f"SELECT {_FINGERPRINT} FROM {META_TABLE}")  # noqa: S608
    except duckdb.BinderException:  # written before views were fingerprinted
        return False
    if row is None or row[0] != fingerprint:
        return False
    present = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT internal"
    ).fetchall()
    return {v.name for v in views} <= {name for (name,) in present}


def create_views(con: duckdb.DuckDBPyConnection, views: Iterable[View], *, tables_changed: bool) -> None:
    """(Re)create every view; views are derived, so a new release simply replaces them.

    Skipped when the file holds these very views (the fingerprint of their text, recorded with them) and
    no table changed under them (`tables_changed`: a migration altered the file, and a view stores the
    columns it read): binding 30 views took 0.2-0.5 s of every writer's open. Otherwise one transaction:
    committed a statement at a time they took 0.65 s more, and a view that fails leaves the file's views
    as they were.
    """
    views = tuple(views)
    fingerprint = _fingerprint(views)
    if not tables_changed and _current(con, views, fingerprint):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for macro in _MACROS:
            con.execute(macro)
        for view in views:
            con.execute(f"CREATE OR REPLACE VIEW {ident(view.name)} AS {view.sql}")
            con.execute(f"COMMENT ON VIEW {ident(view.name)} IS {literal(view.meaning)}")
        con.execute(f"ALTER TABLE {META_TABLE} ADD COLUMN IF NOT EXISTS {_FINGERPRINT} VARCHAR")
        con.execute(f"UPDATE {META_TABLE} SET {_FINGERPRINT} = ?", [fingerprint])  # noqa: S608
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
