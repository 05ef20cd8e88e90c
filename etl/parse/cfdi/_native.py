"""The compiled fast path of the CFDI parser (`_extract.c`), when it was built, as text frames.

`NativeExtractor.add(root, doc)` reads a parsed document's rows into column buffers, or declines it
(None, nothing kept) so that the Python parser reads it; `text_frames()` hands the batch over shaped like
the Python parser's text frames, for the same typing. Without a C compiler at install time the extension
is missing and `native_extractor()` returns None: everything works, in Python only, slower.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import polars as pl
from lxml import etree

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["NativeExtractor", "mismatch", "native_extractor"]

_log = logging.getLogger(__name__)

try:
    from etl.parse.cfdi import _extract
except ImportError:  # built without a C compiler: the Python parser does everything
    _BUILT = False
else:
    _BUILT = True

_SEPARATOR = "\x1f"  # between the values of a list column, as the extractor joins them


def mismatch(built: tuple[int, str, int], running: tuple[tuple[int, int, int], str, int]) -> str | None:
    """Why an extractor built for (libxml2 version, lxml version, _Element struct size) cannot read the
    trees of the running lxml, or None when it can. It reads libxml2's nodes and lxml's element struct
    directly: both must be those it was compiled against."""
    libxml2, lxml_version, size = built
    (major, minor, patch), running_lxml, running_size = running
    found = []
    if major * 10_000 + minor * 100 + patch != libxml2:
        found.append(f"libxml2 {libxml2} (lxml runs {major}.{minor}.{patch})")
    if lxml_version != running_lxml:
        found.append(f"lxml {lxml_version} (running {running_lxml})")
    if size != running_size:
        found.append(f"an lxml element of {size} bytes (this lxml's is {running_size})")
    if not found:
        return None
    return (
        f"the compiled CFDI extractor was built for {' and '.join(found)}: parsing in Python only, to the "
        "same results, slower (reinstall the project to rebuild it: make setup)"
    )


def _usable() -> bool:
    if not _BUILT:
        return False
    built = (_extract.LIBXML_VERSION, _extract.LXML_VERSION, _extract.ELEMENT_SIZE)
    running = (etree.LIBXML_VERSION, etree.__version__, etree._Element.__basicsize__)
    problem = mismatch(built, running)
    if problem is not None:
        _log.warning("%s", problem)
        return False
    return True


_USABLE = _usable()


_NO_OFFSETS = bytes(8)  # one int64 zero: the offsets of an empty text column

# A column as the extractor hands it over: null count, validity bitmap, offsets (text only), values.
_Buffers = tuple[int, bytes, bytes | None, bytes]


def _array(kind: str, length: int, buffers: _Buffers) -> pa.Array:
    # pyarrow (~30 MB) is imported where a batch is read, not with the module: every process that imports
    # the pipeline (Dagster's download step too) would otherwise carry it
    import pyarrow as pa

    nulls, validity, offsets, values = buffers
    bitmap = pa.py_buffer(validity) if nulls else None
    if kind == "i":
        return pa.Array.from_buffers(pa.int64(), length, [bitmap, pa.py_buffer(values)], null_count=nulls)
    if length == 0:
        # built from buffers too: pa.array() imports pandas when it is installed (seconds, ~50 MB a process)
        offsets = _NO_OFFSETS
    assert offsets is not None
    return pa.Array.from_buffers(
        pa.large_string(), length, [bitmap, pa.py_buffer(offsets), pa.py_buffer(values)], null_count=nulls
    )


def _split(name: str, *, blank_is_empty_list: bool) -> pl.Expr:
    """A joined list column back into List(String). The header's complement names are never null ("" is
    []); a line item's list is null when no element gave it a value, and "" is then one empty value."""
    column = pl.col(name)
    split = column.str.split(_SEPARATOR)
    if blank_is_empty_list:
        empty = pl.lit([], dtype=pl.List(pl.String()))
        split = pl.when(column.str.len_bytes() == 0).then(empty).otherwise(split)
    return split.alias(name)


class NativeExtractor:
    """One batch of documents read by the compiled extractor. Not thread-safe: one per collector."""

    def __init__(self) -> None:
        self._extractor = _extract.Extractor()

    def add(self, root: etree._Element, doc: int) -> tuple[str, bool] | None:
        """(stamp UUID as written, whether raw elements need extracting), or None when declined."""
        return self._extractor.add(root, doc)

    def text_frames(self) -> dict[str, pl.DataFrame]:
        """The batch's text frames per table (see `_collector`), and the extractor starts afresh."""
        import pyarrow as pa  # see _array

        frames: dict[str, pl.DataFrame] = {}
        for table, (length, columns) in self._extractor.finish().items():
            arrays = {
                name: _array(kind, length, (nulls, validity, offsets, values))
                for name, kind, nulls, validity, offsets, values in columns
            }
            frames[table] = pl.DataFrame(pl.from_arrow(pa.table(arrays)))
        frames["comprobantes"] = frames["comprobantes"].with_columns(
            _split("complementos", blank_is_empty_list=True),
            pl.col("tiene_addenda").cast(pl.Boolean()),
        )
        frames["conceptos"] = frames["conceptos"].with_columns(
            _split("numeros_pedimento", blank_is_empty_list=False),
            _split("cuentas_prediales", blank_is_empty_list=False),
        )
        return frames


def native_extractor() -> NativeExtractor | None:
    """A compiled extractor for a new batch, or None when it was not built or does not fit this lxml."""
    return NativeExtractor() if _USABLE else None
