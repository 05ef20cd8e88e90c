"""The bytes of a list file as text: cp1252 as SAT writes it (or UTF-8, as a user's editor may resave it).

cp1252 leaves five bytes without a character (0x81, 0x8D, 0x8F, 0x90, 0x9D); SAT's files have held 0x8D
inside a name. A strict decoder stops there and a lenient one that drops bytes hides it: each such byte
becomes U+FFFD, which the record readers find and record as a repair of that record.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

__all__ = ["REPLACEMENT", "open_text", "sniff_encoding"]

REPLACEMENT = "\ufffd"
_SNIFF_BYTES = 1 << 16


def sniff_encoding(head: bytes) -> str:
    """'utf-8-sig' when the head is valid UTF-8 holding non-ASCII text (or a BOM), else SAT's 'cp1252'."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Cut at the last line end, so a character split by the sniff window does not count as invalid.
    cut = head.rfind(b"\n")
    sample = head if cut < 0 else head[: cut + 1]
    if sample.isascii():
        return "cp1252"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def open_text(path: Path) -> io.TextIOWrapper:
    """The file as text, decoded in chunks (a 20 MB file is never held whole), newlines kept as they are
    for the CSV reader, undecodable bytes replaced by U+FFFD."""
    buffered = io.BufferedReader(io.FileIO(path, "r"), buffer_size=_SNIFF_BYTES)
    try:
        encoding = sniff_encoding(buffered.peek(_SNIFF_BYTES))
    except BaseException:
        buffered.close()
        raise
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")
