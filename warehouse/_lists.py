"""Loading one of SAT's list files: its records become the current version of the situations (69-B) or
lists (Art. 69) it is the whole of, unless a newer version is already there; what changed against the
version replaced goes into the history; the file is recorded by its sha256, so the same bytes load once.

Everything happens in one transaction: a load that fails changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

import duckdb
import polars as pl

from schemas.lists import LISTA_69, LISTA_69B, LISTAS_HISTORIAL, LISTAS_RECHAZOS, LISTAS_VERSIONES
from warehouse._ddl import column_list, first_row, ident
from warehouse._errors import LoadError

__all__ = ["ListLoadReport", "ListSource", "load_list"]

_STAGED = "_lista_nueva"
_STAGED_REJECTS = "_lista_rechazos"


class ListBatchLike(Protocol):
    @property
    def rows(self) -> pl.DataFrame: ...
    @property
    def rejects(self) -> pl.DataFrame: ...


class ListSource(Protocol):
    """What the warehouse needs of a list file being read (etl.lists.ListRead is one)."""

    @property
    def source(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def archivo(self) -> str: ...
    @property
    def fecha_lista(self) -> date | None: ...
    @property
    def covers(self) -> frozenset[str]: ...
    def batches(self) -> Iterator[ListBatchLike]: ...


@dataclass(frozen=True, slots=True)
class ListLoadReport:
    """What one file did. `aplicada` the situations/lists it became current for (empty when older)."""

    source: str
    family: str
    archivo: str
    fecha_lista: date | None
    registros: int = 0
    contribuyentes: int = 0
    reparados: int = 0
    rechazos: dict[str, int] = field(default_factory=dict)
    aplicada: tuple[str, ...] = ()
    altas: int = 0
    bajas: int = 0
    ya_cargado: bool = False


def _family_table(family: str) -> tuple[str, str, str]:
    """(table, the column holding the situation or list, the filter leaving out suppressed rows)."""
    if family == "69-B":
        return LISTA_69B.name, "situacion", "NOT suprimido"
    return LISTA_69.name, "lista", "TRUE"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> object:
    row = first_row(con, sql, params)
    return None if row is None else row[0]


def _stage(con: duckdb.DuckDBPyConnection, table: str, read: ListSource) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT * FROM {ident(table)} LIMIT 0")  # noqa: S608
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_STAGED_REJECTS} AS SELECT * FROM {LISTAS_RECHAZOS.name} LIMIT 0"  # noqa: S608
    )
    for batch in read.batches():
        for target, frame in ((_STAGED, batch.rows), (_STAGED_REJECTS, batch.rejects)):
            if frame.height:
                con.register("_lista_lote", frame)
                con.execute(f"INSERT INTO {target} SELECT * FROM _lista_lote")  # noqa: S608
                con.unregister("_lista_lote")


def _current_date(con: duckdb.DuckDBPyConnection, family: str, situation: str) -> date | None:
    value = _scalar(
        con,
        f"SELECT max(fecha_lista) FROM {LISTAS_VERSIONES.name} "  # noqa: S608
        "WHERE familia = ? AND list_contains(aplicada, ?)",
        [family, situation],
    )
    return value if isinstance(value, date) else None


def _history(
    con: duckdb.DuckDBPyConnection, read: ListSource, situation: str, fecha: date, previous: date | None
) -> tuple[int, int]:
    """Record who entered and who left `situation` against the version it replaces; (altas, bajas)."""
    table, column, listed = _family_table(read.family)
    now = f"SELECT DISTINCT rfc FROM {_STAGED} WHERE {column} = $s AND {listed}"  # noqa: S608
    before = f"SELECT DISTINCT rfc FROM {ident(table)} WHERE {column} = $s AND {listed}"  # noqa: S608
    counts: list[int] = []
    for event, new, old in (("alta", now, before), ("baja", before, now)):
        if event == "baja" and previous is None:
            counts.append(0)
            continue
        params = {"f": read.family, "s": situation, "e": event, "d": fecha, "p": previous, "h": read.sha256}
        changed = con.execute(
            f"INSERT INTO {LISTAS_HISTORIAL.name} "  # noqa: S608
            f"SELECT $f, rfc, $s, $e, $d, $p, $h FROM ({new} EXCEPT {old}) AS changed "
            f"WHERE NOT EXISTS (SELECT 1 FROM {LISTAS_HISTORIAL.name} AS h WHERE h.familia = $f "
            "AND h.rfc = changed.rfc AND h.situacion = $s AND h.evento = $e AND h.fecha_lista = $d)",
            params,
        ).fetchall()
        counts.append(int(changed[0][0]) if changed else 0)
    return counts[0], counts[1]


def _rejects_by_reason(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(
        f"SELECT split_part(motivo, ':', 1), count(*) FROM {_STAGED_REJECTS} GROUP BY ALL ORDER BY 2 DESC"  # noqa: S608
    ).fetchall()
    return {str(reason): int(count) for reason, count in rows}


def load_list(con: duckdb.DuckDBPyConnection, read: ListSource) -> ListLoadReport:
    """Load one list file (see the module's docstring); the same file again is reported `ya_cargado`."""
    table, column, listed = _family_table(read.family)
    con.execute("BEGIN TRANSACTION")
    try:
        if _scalar(con, f"SELECT count(*) FROM {LISTAS_VERSIONES.name} WHERE sha256 = ?", [read.sha256]):  # noqa: S608
            con.execute("ROLLBACK")
            return ListLoadReport(read.source, read.family, read.archivo, read.fecha_lista, ya_cargado=True)
        _stage(con, table, read)
        fecha = read.fecha_lista
        registros = int(str(_scalar(con, f"SELECT count(*) FROM {_STAGED}", [])))  # noqa: S608
        if fecha is None:
            raise LoadError(
                f"{read.source}: no record has a FECHA DE PRIMERA PUBLICACION, so the list cannot be dated "
                "among its versions; nothing of it was loaded"
            )
        con.execute(f"UPDATE {_STAGED} SET fecha_lista = ?", [fecha])  # noqa: S608
        if read.family == "69-B":  # what the reader learnt of the file at its end
            con.execute(f"UPDATE {_STAGED} SET archivo = ?", [read.archivo])  # noqa: S608
        applied: list[str] = []
        altas = bajas = 0
        for situation in sorted(read.covers):
            previous = _current_date(con, read.family, situation)
            if previous is not None and fecha < previous:
                continue
            entered, left = _history(con, read, situation, fecha, previous)
            altas, bajas = altas + entered, bajas + left
            con.execute(f"DELETE FROM {ident(table)} WHERE {column} = ?", [situation])  # noqa: S608
            con.execute(f"INSERT INTO {ident(table)} SELECT * FROM {_STAGED} WHERE {column} = ?", [situation])  # noqa: S608
            applied.append(situation)
        con.execute(f"INSERT INTO {LISTAS_RECHAZOS.name} SELECT * FROM {_STAGED_REJECTS}")  # noqa: S608
        counts = first_row(
            con,
            f"SELECT count(DISTINCT rfc) FILTER (WHERE {listed}), "  # noqa: S608
            f"count(*) FILTER (WHERE len(reparaciones) > 0) FROM {_STAGED}",
        )
        assert counts is not None
        rejects = _rejects_by_reason(con)
        report = ListLoadReport(
            source=read.source,
            family=read.family,
            archivo=read.archivo,
            fecha_lista=fecha,
            registros=registros,
            contribuyentes=int(str(counts[0])),
            reparados=int(str(counts[1])),
            rechazos=rejects,
            aplicada=tuple(applied),
            altas=altas,
            bajas=bajas,
        )
        values = [
            read.sha256, read.source, read.family, read.archivo, fecha, sorted(read.covers), applied,
            registros, report.contribuyentes, sum(rejects.values()), report.reparados,
            datetime.now(UTC).replace(tzinfo=None),
        ]  # fmt: skip
        con.execute(
            f"INSERT INTO {LISTAS_VERSIONES.name} ({column_list(LISTAS_VERSIONES.names)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * len(values))})",
            values,
        )
        con.execute(f"DROP TABLE {_STAGED}")
        con.execute(f"DROP TABLE {_STAGED_REJECTS}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report
