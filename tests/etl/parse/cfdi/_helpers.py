"""Parsing shortcuts for the CFDI tests: real fixtures in, typed frames out."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from hypothesis import strategies as st

from etl.parse._xml import DocumentRejectedError, Rejection
from etl.parse.cfdi import CfdiCollector
from tests.paths import CFDI_FIXTURES

__all__ = ["PATHS", "Parsed", "damaged_copies", "fixture", "parse", "use_path"]

# The parser's two ways through a document (see etl/parse/cfdi/_collector.py); conftest.py runs every test
# that
# parses through `parse` on each, so both are held to the same behaviour.
PATHS = ("compiled", "python")
_path = {"compiled": True}


def use_path(name: str) -> None:
    _path["compiled"] = name == "compiled"


@dataclass(frozen=True)
class Parsed:
    frames: dict[str, pl.DataFrame]
    rejected: dict[str, str]  # source -> reason, at add time or while typing
    rejects: list[Rejection]  # the documentos_rechazados rows, as etl.parse.documents builds them

    def table(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def one(self, name: str, uuid: str) -> dict[str, object]:
        rows = self.frames[name].filter(pl.col("uuid") == uuid).to_dicts()
        assert len(rows) == 1, f"{len(rows)} rows for {uuid} in {name}"
        return rows[0]

    def of(self, name: str, uuid: str) -> pl.DataFrame:
        return self.frames[name].filter(pl.col("uuid") == uuid)


def fixture(name: str) -> bytes:
    return (CFDI_FIXTURES / name).read_bytes()


def parse(*documents: tuple[str, bytes]) -> Parsed:
    collector = CfdiCollector(compiled=_path["compiled"])
    if _path["compiled"]:
        assert collector.compiled, "the compiled extractor was not built: is there a C compiler?"
    rejected: dict[str, str] = {}
    rejects: list[Rejection] = []
    for source, data in documents:
        try:
            collector.add(source, data)
        except DocumentRejectedError as refused:
            rejected[source] = refused.reason
            rejects.append(Rejection.of(source, data, "cfdi", refused.uuid, refused.reason))
    frames, late = collector.finish()
    rejected.update({r.source: r.motivo for r in late if isinstance(r, Rejection)})
    rejects.extend(late)
    return Parsed(frames, rejected, rejects)


def damaged_copies(document: bytes) -> st.SearchStrategy[bytes]:
    """The document cut short (or not), then one byte overwritten (or not)."""

    @st.composite
    def damaged(draw: st.DrawFn) -> bytes:
        copy = bytearray(document[: draw(st.integers(min_value=0, max_value=len(document)))])
        position = draw(st.integers(min_value=0, max_value=len(document) - 1))
        if position < len(copy):
            copy[position] = draw(st.integers(min_value=0, max_value=255))
        return bytes(copy)

    return damaged()
