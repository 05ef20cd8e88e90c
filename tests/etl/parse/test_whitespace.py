"""Which documents' token values the XSD collapses: each value on its own, whatever its neighbours hold
(the check reads a row's values joined, so a value's edges must still count as edges)."""

from __future__ import annotations

import polars as pl

from etl.parse._whitespace import collapse_tokens
from schemas.cfdi import COMPROBANTES

__all__: list[str] = []

# (rfc_emisor, moneda, rfc_receptor) per document; which of them the XSD rewrites
_ROWS = {
    0: ("AAA010101AAA", "MXN", "XAXX010101000"),  # clean
    1: ("AAA010101AAA ", "MXN", "XAXX010101000"),  # the first value ends padded
    2: ("AAA010101AAA", " MXN", "XAXX010101000"),  # a middle value starts padded
    3: ("AAA010101AAA", None, " XAXX010101000"),  # the last starts padded, after a null
    4: ("AAA010101AAA", "M  XN", "XAXX010101000"),  # two spaces inside
    5: ("AAA010101AAA", "M\tXN", "XAXX010101000"),  # a tab inside
    6: ("AAA010101AAA", "M XN", "XAXX010101000"),  # one space inside: nothing to collapse
    7: (None, None, None),  # nothing at all
    8: ("", "MXN", ""),  # empty values beside a clean one
}


def test_a_document_is_flagged_exactly_when_one_of_its_token_values_needs_collapsing() -> None:
    frame = pl.DataFrame(
        {
            "doc": list(_ROWS),
            "rfc_emisor": [row[0] for row in _ROWS.values()],
            "moneda": [row[1] for row in _ROWS.values()],
            "rfc_receptor": [row[2] for row in _ROWS.values()],
        },
        schema={
            "doc": pl.Int64(),
            "rfc_emisor": pl.String(),
            "moneda": pl.String(),
            "rfc_receptor": pl.String(),
        },
    )
    collapsed, padded = collapse_tokens(COMPROBANTES, frame)
    assert sorted(padded.to_list()) == [1, 2, 3, 4, 5]
    assert collapsed["moneda"].to_list() == ["MXN", "MXN", "MXN", None, "M XN", "M XN", "M XN", None, "MXN"]
    assert collapsed["rfc_receptor"][3] == "XAXX010101000"
    assert collapsed["rfc_emisor"][1] == "AAA010101AAA"
