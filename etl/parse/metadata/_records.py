"""SAT's metadata text as rows of string fields, one per physical line, and how to mend split records.

SAT's format: a header, `~` between fields, no quoting, CRLF between records (the last may lack it).
The reader ends a row at every LF, so a row's index is its physical line and line numbers need no
bookkeeping. A bare LF inside a CRLF file is a line break that was inside a name: it splits a record
over several rows, which are found so that they can be read again as one record, the LF deleted (as
SAT's reference client does). For metadata, only the bare LFs next to a row that cannot load are taken
for such breaks (a split record always leaves one): `split_records(among=...)` finds them in one pass
over the text; `split_records_near` finds the same ones by going straight to those rows, each found
from the Uuid of the row before it, which is quick, instead of by counting the line breaks before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

import polars as pl

__all__ = [
    "OVERFLOW",
    "RECORD",
    "MetadataError",
    "Records",
    "Suspects",
    "header_key",
    "read_rows",
    "records_of",
]

# Names of the two bookkeeping columns next to the positional field columns f0, f1, ...
RECORD = "__record"
OVERFLOW = "__overflow"

_BOM = b"\xef\xbb\xbf"
_CR, _LF, _TILDE = b"\r"[0], b"\n"[0], b"~"[0]
_BARE_LF = re.compile(b"\n(?<!\r\n)")
# Bytes between the checkpoints of the index that finds a line of the original text for the rejects.
_INDEX_STEP = 1 << 14


class MetadataError(ValueError):
    """A whole metadata file cannot be read (not metadata, no header): nothing of it loads."""


class Suspects(NamedTuple):
    """Where records split by bare LFs can be, told from the rows: `lines` (RECORD, ascending) holds
    at least one line of each; `uuids` is every row's Uuid field as written, to find lines in the text
    by; `keys` is a value of every row that is equal wherever the Uuid fields are (e.g. a hash of the
    Uuid lower-cased): a row whose key no other row has is the only one with its Uuid field."""

    lines: list[int]
    uuids: pl.Series
    keys: pl.Series


@dataclass(slots=True)
class Records:
    """The records of one file, read lazily by `scan()`: one String column per header field (f0, f1,
    ...; null when empty or missing), RECORD (the physical line after the header, from 1) and OVERFLOW,
    non-null when a row has more fields than the header."""

    header: list[str]
    crlf: bool
    # (physical line after the header, reason) of lines refused before splitting, e.g. invalid UTF-8.
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    _original: bytes = field(default=b"", repr=False)
    _text: bytes = field(default=b"", repr=False)
    _header_end: int = field(default=0, repr=False)
    # First line -> the record as written (bare LFs kept), of each record bare LFs split over lines.
    _whole: dict[int, bytes] = field(default_factory=dict, repr=False)
    # Line breaks after the header up to the end of each _INDEX_STEP bytes of the original text.
    _breaks: list[int] | None = field(default=None, repr=False)
    _lookups: int = field(default=0, repr=False)
    _lines: list[bytes] | None = field(default=None, repr=False)

    def scan(self) -> pl.LazyFrame:
        # One column more than the header catches records with too many fields; truncating only drops
        # what lies beyond that extra column, and such a record is refused anyway. The header line
        # itself (BOM included) is skipped by the reader, so the common case copies nothing.
        schema = {f"f{i}": pl.String() for i in range(len(self.header))} | {OVERFLOW: pl.String()}
        return pl.scan_csv(
            self._text,
            has_header=False,
            skip_rows=1,
            raise_if_empty=False,
            separator="~",
            quote_char=None,
            schema=schema,
            truncate_ragged_lines=True,
            extra_columns="ignore",
            missing_columns="insert",
            row_index_name=RECORD,
            row_index_offset=1,
        ).with_columns(pl.col(RECORD).cast(pl.Int64()))

    def blank_invalid_utf8(self) -> None:
        """Empty every line that is not valid UTF-8 (keeping line positions) and say why."""
        lines = self._text[self._header_end :].split(b"\n")
        for index, line in enumerate(lines):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                self.unreadable.append((index + 1, f"not valid UTF-8 (byte {error.start + 1} of the line)"))
                lines[index] = b"\r" if line.endswith(b"\r") else b""
        self._text = self._text[: self._header_end] + b"\n".join(lines)

    def split_records(self, among: Set[int] | None = None) -> list[list[int]]:
        """The lines (RECORD values) of each record that bare LFs split, in a CRLF file; [] otherwise.
        The header's line ending decides what the file is, as SAT's reference client does. With
        `among`, only the records that take in at least one of those lines."""
        self._whole.clear()
        if not self.crlf:
            return []
        text = self._text
        groups: list[list[int]] = []
        spans: list[tuple[int, int]] = []  # byte where each split record starts, its last bare LF
        line, counted = 1, self._header_end
        # Bare LFs are few: the pattern skips from LF to LF at C speed, and lines are counted in between.
        for match in _BARE_LF.finditer(text, self._header_end):
            position = match.start()
            line += text.count(b"\n", counted, position)  # the line this bare LF ends
            counted = position
            if groups and groups[-1][-1] == line:
                groups[-1].append(line + 1)
                spans[-1] = (spans[-1][0], position)
            else:
                groups.append([line, line + 1])
                spans.append((text.rfind(b"\n", 0, position) + 1, position))
        kept = [
            (g, span)
            for g, span in zip(groups, spans, strict=True)
            if among is None or not among.isdisjoint(g)
        ]
        for group, (start, last) in kept:
            end = text.find(b"\n", last + 1)
            self._whole[group[0]] = text[start : len(text) if end < 0 else end].removesuffix(b"\r")
        return [group for group, _ in kept]

    def split_records_near(self, suspects: Suspects) -> list[list[int]] | None:
        """What `split_records` finds, for the records that take in at least one of the suspect lines:
        a bare LF with no such line on either side is not looked for. None when a line cannot be found
        for certain (the row before it has no Uuid, or one that another row may have too): then
        `split_records(set(suspects.lines))`."""
        self._whole.clear()
        lines, uuids = suspects.lines, suspects.uuids
        if not self.crlf or not lines:
            return []
        # Lines are found from the Uuid of the row before them, which must be on that row only (every
        # line is a row): then wherever it stands as a line's Uuid field, that line is the row.
        before = sorted({line - 1 for line in lines if line > 1} - set(lines))
        written = uuids.gather([line - 1 for line in before])
        keys = suspects.keys.gather([line - 1 for line in before])
        unique = written.null_count() == 0 and keys.n_unique() == len(before)
        if not unique or suspects.keys.is_in(keys.implode()).sum() != len(before):
            return None
        uuid_of = dict(zip(before, (value.encode() for value in written), strict=True))
        text, header_end, field_index = self._text, self._header_end, self.uuid_field
        line_bytes = (len(text) - header_end) / max(len(uuids), 1)
        groups: list[list[int]] = []
        line, start = 1, header_end  # every line before `line`, which begins at byte `start`, is settled
        for suspect in lines:
            if suspect < line:
                continue  # part of the record just read
            if suspect > line:
                # Looked for first a little before where lines of average length would put it.
                key = uuid_of[suspect - 1]
                guess = max(start, start + int((suspect - 1 - line) * line_bytes * 0.98) - 4096)
                found = self._uuid_line(key, field_index, start, guess, len(text))
                if found is None:
                    found = self._uuid_line(key, field_index, start, start, guess + len(key))
                if found is None:
                    return None
                start, line = text.find(b"\n", found) + 1, suspect
            first, first_start = line, start
            while first > 1 and text[first_start - 2] != _CR:  # the line before ends in a bare LF
                previous = text.rfind(b"\n", header_end, first_start - 1)
                first, first_start = first - 1, header_end if previous < 0 else previous + 1
            end = text.find(b"\n", start)
            while end >= 0 and text[end - 1] != _CR:
                line += 1
                end = text.find(b"\n", end + 1)
            if first < line:
                groups.append(list(range(first, line + 1)))
                self._whole[first] = text[first_start : len(text) if end < 0 else end].removesuffix(b"\r")
            if end < 0:
                break
            line, start = line + 1, end + 1
        return groups

    def _uuid_line(self, key: bytes, field_index: int, start: int, low: int, high: int) -> int | None:
        """Where the line whose field `field_index` is `key` begins, if that field lies between bytes
        `low` and `high`; `start` is where a line at or before it begins."""
        text = self._text
        found = text.find(key, low, high)
        while found >= 0:
            previous = text.rfind(b"\n", start, found)
            begins = start if previous < 0 else previous + 1
            after = found + len(key)
            if (
                text.count(b"~", begins, found) == field_index
                and (found == begins if field_index == 0 else text[found - 1] == _TILDE)
                and after < len(text)
                and (text[after] in (_TILDE, _LF) or text[after : after + 2] == b"\r\n")
            ):
                return begins
            found = text.find(key, found + 1, high)
        return None

    @property
    def uuid_field(self) -> int:
        """Where the (first) Uuid field is in a line; records_of made sure there is one."""
        return [header_key(name) for name in self.header].index("uuid")

    def mended(self, groups: list[list[int]]) -> Records:
        """The split records, each joined into one CRLF record (bare LFs deleted), as a file of their own
        with this file's header; its RECORD i is the record that starts on line `groups[i - 1][0]`."""
        joined = [self._whole[group[0]].replace(b"\n", b"") for group in groups]
        header = self._text[: self._header_end].removeprefix(_BOM)
        text = header + b"\r\n".join(joined)
        return Records(header=self.header, crlf=True, _original=text, _text=text, _header_end=len(header))

    @staticmethod
    def line_numbers(record: pl.Expr) -> pl.Expr:
        """The physical line of the file (header = 1) where each record starts."""
        return record + 1

    def raw_text(self, record: int) -> str:
        """A record as SAT wrote it (a split one with its bare LFs), for the rejects. A few are found
        through the line index; past one per index block, splitting the whole text once costs less."""
        if record in self._whole:
            return self._whole[record].decode("utf-8", errors="replace")
        text = self._original
        self._lookups += 1
        if self._lines is None and self._lookups * _INDEX_STEP > len(text):
            self._lines = text[self._header_end :].split(b"\n")
        if self._lines is not None:
            line = self._lines[record - 1]
        else:
            start = self._line_start(record)
            end = text.find(b"\n", start)
            line = text[start : len(text) if end < 0 else end]
        return line.removesuffix(b"\r").decode("utf-8", errors="replace")

    def _line_start(self, record: int) -> int:
        """Where line `record` begins in the original text. Line breaks are counted once per block of
        _INDEX_STEP bytes (one pass at C speed), so finding a line reads one block, not every line."""
        text, header_end = self._original, self._header_end
        if record == 1:
            return header_end
        if self._breaks is None:
            blocks = range(header_end, len(text), _INDEX_STEP)
            self._breaks = list(accumulate(text.count(b"\n", b, b + _INDEX_STEP) for b in blocks))
        block = bisect_left(self._breaks, record - 1)  # the block holding the break before the line
        position, seen = header_end + block * _INDEX_STEP, self._breaks[block - 1] if block else 0
        while seen < record - 1:
            position, seen = text.find(b"\n", position) + 1, seen + 1
        return position


def records_of(data: bytes) -> Records:
    """The records of metadata text; raise MetadataError when its header has no Uuid column."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    first_lf = data.find(b"\n", start)
    crlf = first_lf > start and data[first_lf - 1] == ord("\r")
    header_end = len(data) if first_lf < 0 else first_lf + 1
    return Records(
        header=_header(data[start:header_end]),
        crlf=crlf,
        _original=data,
        _text=data,
        _header_end=header_end,
    )


def read_rows(
    records: Records,
    query: Callable[[Records], pl.LazyFrame],
    *,
    suspects: Callable[[pl.DataFrame], Suspects] | None = None,
) -> pl.DataFrame:
    """The rows `query` makes of the records, in line order: lines that are not UTF-8 set aside (see
    `unreadable`), and records split by bare LFs read whole in place of their parts. `query` must keep
    RECORD and set `numero_linea` from it.

    Without `suspects` every bare LF is looked for. With it, given the rows, only those next to the
    lines it names."""
    rows = _collect(records, query)
    if suspects is None:
        groups = records.split_records()
    else:
        found = suspects(rows)
        # Past about one line in sixteen, one pass over the whole text costs less than finding each.
        near = records.split_records_near(found) if len(found.lines) * 16 <= rows.height else None
        groups = records.split_records(set(found.lines)) if near is None else near
    if not groups:
        return rows
    starts = [group[0] for group in groups]
    where = pl.col(RECORD).replace_strict(range(1, len(starts) + 1), starts, return_dtype=pl.Int64())
    whole = _collect(records.mended(groups), query).with_columns(where.alias(RECORD))
    whole = whole.with_columns(records.line_numbers(pl.col(RECORD)).alias("numero_linea"))
    # Slices, so nothing else is copied; line n is row n - 1.
    pieces: list[pl.DataFrame] = []
    done = 0
    for index, group in enumerate(groups):
        pieces += [rows.slice(done, group[0] - 1 - done), whole.slice(index, 1)]
        done = group[-1]
    pieces.append(rows.slice(done))
    return pl.concat(pieces)


def _collect(records: Records, query: Callable[[Records], pl.LazyFrame]) -> pl.DataFrame:
    try:
        return query(records).collect()
    except pl.exceptions.ComputeError as error:
        if "utf-8" not in str(error).lower():
            raise
    records.blank_invalid_utf8()
    return query(records).collect()


def header_key(name: str) -> str:
    """How header names are compared: SAT's spelling has varied in letter case and separators."""
    return name.strip().lower().replace("_", "").replace(" ", "")


def _header(line: bytes) -> list[str]:
    try:
        text = line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise MetadataError("the header line is not valid UTF-8: this is not SAT metadata") from None
    if not text.strip():
        raise MetadataError("the file is empty, not even a header: this is not SAT metadata")
    names = [name.strip() for name in text.split("~")]
    if len(names) < 2 or "uuid" not in map(header_key, names):
        raise MetadataError(f"the header has no Uuid column: this is not SAT metadata ({text[:60]!r})")
    return names
