"""CSV records, not lines: a quoted field may hold a line break, so a record can span several lines.

Each record comes with the line where it starts (0-based, as the shared doc counts: line 0 is the note,
the 69-B header is line 2), which is what a person opens the file at to see a reject.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Record", "records"]

# SAT's names are short, but a broken quote would otherwise swallow the rest of the file into one field.
_FIELD_LIMIT = 1 << 20


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    cells: list[str]
    end_line: int = 0  # the line after its last: a record spanning many lines lost a closing quote

    @property
    def lines(self) -> int:
        return max(1, self.end_line - self.line)

    @property
    def empty(self) -> bool:
        return not any(cell.strip() for cell in self.cells)

    def text(self) -> str:
        return ",".join(self.cells)


def records(text: TextIO) -> Iterator[Record]:
    """Every record of the stream, with its first line; a CSV error ends the stream with that error."""
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(text, strict=False)
    start = 0
    for cells in reader:
        yield Record(start, cells, reader.line_num)
        start = reader.line_num
