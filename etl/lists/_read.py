"""A list file, streamed: its layout up front, then batches of rows and rejects, then what it covered.

```python
read = read_list(path)          # sha256 and layout; raises ListFileError for a file that is no list
for batch in read.batches():    # rows as frames of schemas.lists (lista_69b or lista_69), and rejects
    ...
read.fecha_lista, read.covers   # final once the batches are read (Art. 69 learns them from its rows)
```
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from etl.lists._69 import list_of_header, row_69
from etl.lists._69b import row_69b
from etl.lists._cells import TEXT_SHOWN, Cells, RecordRejectedError
from etl.lists._decode import open_text
from etl.lists._layout import COMPLETO, FAMILY_69, FAMILY_69B, Layout, ListFileError, find_layout
from etl.lists._records import Record, records
from schemas.lists import LISTA_69, LISTA_69B, LISTAS_RECHAZOS, SITUACIONES_69B

__all__ = ["BATCH_ROWS", "FAMILY_69", "FAMILY_69B", "ListBatch", "ListRead", "read_list", "sha256_of"]

BATCH_ROWS = 50_000
_HASH_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ListBatch:
    rows: pl.DataFrame  # schemas.lists.LISTA_69B or LISTA_69
    rejects: pl.DataFrame  # schemas.lists.LISTAS_RECHAZOS


@dataclass(slots=True)
class ListRead:
    """One file being read. `family` '69-B' or '69'; `archivo` 'completo', a 69-B situation, or the
    Art. 69 lists its records named; `covers` the situations or lists the file is the whole of."""

    path: Path
    source: str
    sha256: str
    layout: Layout
    fecha_lista: date | None
    covers: frozenset[str]
    records: int = 0
    rejects: int = 0
    _listas: set[str] = field(default_factory=set)  # Art. 69 lists, or 69-B situations, the rows named
    _archivo: str | None = None

    @property
    def family(self) -> str:
        return self.layout.family

    @property
    def archivo(self) -> str:
        """69-B: 'completo' or its one situation; Art. 69: the lists its records named."""
        return self._archivo or self.layout.archivo or ", ".join(sorted(self.covers))

    @property
    def table(self) -> str:
        return (LISTA_69B if self.family == FAMILY_69B else LISTA_69).name

    def batches(self, size: int = BATCH_ROWS) -> Iterator[ListBatch]:
        """Every record after the header, as rows or rejects, `size` records at a time."""
        table = LISTA_69B if self.family == FAMILY_69B else LISTA_69
        of_header = list_of_header(self.layout.header, self.layout.columns)
        rows: list[tuple[object, ...]] = []
        rejects: list[tuple[object, ...]] = []
        newest: date | None = None
        for item in self._data_records():
            if isinstance(item, tuple):
                rejects.append(item)
            else:
                row = self._row(item, of_header, rejects)
                if row is not None:
                    rows.append(row)
                    self._listas.add(str(row[2] if self.family == FAMILY_69B else row[4]))
                    if self.family == FAMILY_69:
                        published = row[5]
                        if isinstance(published, date) and (newest is None or published > newest):
                            newest = published
            if len(rows) + len(rejects) >= size:
                yield self._batch(table, rows, rejects)
                rows, rejects = [], []
        if rows or rejects or not self.records:
            yield self._batch(table, rows, rejects)
        if self.family == FAMILY_69:
            self.covers = frozenset(self._listas)
            self.fecha_lista = newest
        elif self.layout.archivo == COMPLETO and len(self._listas) == 1:
            # A "full" list whose rows are all of one situation is that situation's file under a title
            # that says "completo": taken as the whole of all four, it would empty the other three.
            self._archivo = next(iter(self._listas))
            self.covers = frozenset(self._listas)

    def _row(
        self, record: Record, of_header: str | None, rejects: list[tuple[object, ...]]
    ) -> tuple[object, ...] | None:
        source = (self.source, self.sha256)
        try:
            cells = Cells(record, self.layout.columns)
            if self.family == FAMILY_69B:
                assert self.fecha_lista is not None
                return row_69b(cells, self.layout.archivo, self.fecha_lista, source)
            return row_69(cells, of_header, source)
        except RecordRejectedError as error:
            rejects.append((self.source, self.sha256, record.line, str(error), record.text()[:TEXT_SHOWN]))
            return None

    def _data_records(self) -> Iterator[Record | tuple[object, ...]]:
        with open_text(self.path) as text:
            stream_records = records(text)
            line = find_layout(stream_records).header_line
            try:
                for record in stream_records:
                    line = record.line
                    if not record.empty:
                        yield record
            except (csv.Error, UnicodeError) as error:
                # Not silent: the rest of the file is one reject saying where reading stopped and why.
                reason = f"lectura interrumpida: el archivo no se pudo leer después de esta línea: {error}"
                yield (self.source, self.sha256, line, reason, None)

    def _batch(
        self, table: object, rows: list[tuple[object, ...]], rejects: list[tuple[object, ...]]
    ) -> ListBatch:
        assert table is LISTA_69B or table is LISTA_69
        self.records += len(rows)
        self.rejects += len(rejects)
        return ListBatch(
            pl.DataFrame(rows, schema=table.schema, orient="row"),
            pl.DataFrame(rejects, schema=LISTAS_RECHAZOS.schema, orient="row"),
        )


def read_list(path: Path, source: str | None = None) -> ListRead:
    """Recognise the file by its content; raises ListFileError (with the reason) when it is no SAT list."""
    try:
        with open_text(path) as text:
            layout = find_layout(records(text))
    except (csv.Error, UnicodeError) as error:
        raise ListFileError(f"not a CSV file SAT's lists are written in: {error}") from None
    covers = frozenset(SITUACIONES_69B if layout.archivo == COMPLETO else (layout.archivo,))
    return ListRead(
        path=path,
        source=source or path.name,
        sha256=sha256_of(path),
        layout=layout,
        fecha_lista=layout.fecha_lista,
        covers=covers if layout.family == FAMILY_69B else frozenset(),
    )
