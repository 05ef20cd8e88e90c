"""Types of the compiled extractor (etl/parse/cfdi/_extract.c)."""

from lxml import etree

# (column, kind 'i' or 's', null count, validity bitmap, int64 offsets for text, values)
_Column = tuple[str, str, int, bytes, bytes | None, bytes]

LIBXML_VERSION: int
LXML_VERSION: str
ELEMENT_SIZE: int

class Extractor:
    def add(self, root: etree._Element, doc: int, /) -> tuple[str, bool] | None: ...
    def finish(self) -> dict[str, tuple[int, list[_Column]]]: ...
