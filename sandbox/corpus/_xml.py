"""Writing XML text fast and correctly: attribute escaping, and the namespaces every document declares."""

from __future__ import annotations

__all__ = ["XSI", "attrs", "esc"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"

# A line break in a name must survive as a line break (SAT's metadata shows it), so it is written as a
# character reference: a raw one would be normalised to a space by every XML parser.
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;"}
)


def esc(value: str) -> str:
    return value.translate(_ESCAPES)


def attrs(*pairs: tuple[str, str | None]) -> str:
    """` name="value"` for each pair whose value is not None, in the order given."""
    return "".join(f' {name}="{esc(value)}"' for name, value in pairs if value is not None)
