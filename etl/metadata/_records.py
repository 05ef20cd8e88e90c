"""SAT's metadata text as records of string fields, remembering where each record started.

SAT's format: a header, `~` between fields, no quoting, CRLF between records (the last may lack it).
A bare LF inside a CRLF file is a line break that was inside a name: it belongs to the value and is
deleted (as SAT's reference client does), so the record is whole again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

__all__ = ["OVERFLOW", "RECORD", "MetadataError", "Records", "header_key", "records_of"]

# Names of the two bookkeeping columns next to the positional field columns f0, f1, ...
RECORD = "__record"
OVERFLOW = "__overflow"

_BOM = b"\xef\xbb\xbf"


class MetadataError(ValueError):
    """A whole metadata file cannot be read (not metadata, no header): nothing of it loads."""


@dataclass(slots=True)
class Records:
    """The records of one file, read lazily: `scan()` gives one String column per header field (f0, f1,
    ...; null when empty or missing), the record's index (RECORD; the header is record 0, blank lines
    count) and OVERFLOW, non-null when a record has more fields than the header."""

    header: list[str]
    crlf: bool
    # (record index, reason) of records refused before splitting, e.g. invalid UTF-8.
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    _original: bytes = field(default=b"", repr=False)
    _text: bytes = field(default=b"", repr=False)
    _header_end: int = field(default=0, repr=False)
    # Record index of every deleted bare LF, sorted: each one shifts later records one physical line down.
    _bare_lf_records: list[int] = field(default_factory=list, repr=False)
    _lines: list[bytes] | None = field(default=None, repr=False)

    @property
    def _terminator(self) -> bytes:
        return b"\r\n" if self.crlf else b"\n"

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
            missing_columns="insert",
            row_index_name=RECORD,
            row_index_offset=1,
        ).with_columns(pl.col(RECORD).cast(pl.Int64()))

    def has_split_records(self) -> bool:
        """True when bare LFs sit inside CRLF records: the reader ended a row at each of them."""
        if not self.crlf or self._bare_lf_records:
            return False
        return self._text.count(b"\n", self._header_end) != self._text.count(b"\r\n", self._header_end)

    def join_split_records(self) -> None:
        """Delete the bare LFs inside records, remembering where they were for the line numbers."""
        records = self._text[self._header_end :].split(b"\r\n")
        for index in [i for i, record in enumerate(records) if b"\n" in record]:
            self._bare_lf_records.extend([index + 1] * records[index].count(b"\n"))
            records[index] = records[index].replace(b"\n", b"")
        self._text = self._text[: self._header_end] + b"\r\n".join(records)

    def blank_invalid_utf8(self) -> None:
        """Empty every record that is not valid UTF-8 (keeping record positions) and say why."""
        lines = self._text[self._header_end :].split(self._terminator)
        for index, line in enumerate(lines):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                self.unreadable.append((index + 1, f"not valid UTF-8 (byte {error.start + 1} of the line)"))
                lines[index] = b""
        self._text = self._text[: self._header_end] + self._terminator.join(lines)

    def line_numbers(self, record_index: pl.Expr) -> pl.Expr:
        """Physical line (from 1) of the file where each record starts."""
        line = record_index + 1
        if not self._bare_lf_records:
            return line
        shifts = pl.lit(pl.Series("shifts", self._bare_lf_records, dtype=pl.Int64))
        return line + shifts.search_sorted(record_index, side="left").cast(pl.Int64)

    def raw_text(self, record_index: int) -> str:
        """A record as SAT wrote it (bare LFs kept), for the rejects frame; split only when asked."""
        if self._lines is None:
            self._lines = self._original[self._header_end :].split(self._terminator)
        return self._lines[record_index - 1].decode("utf-8", errors="replace")


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


def header_key(name: str) -> str:
    """How header names are compared: SAT's spelling has varied in letter case and separators."""
    return name.strip().lower().replace("_", "").replace(" ", "")
