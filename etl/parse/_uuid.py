"""What counts as a UUID: the canonical 8-4-4-4-12 lower-case hex form DuckDB's UUID type stores."""

from __future__ import annotations

import re

__all__ = ["UUID_PATTERN", "canonical_uuid"]

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_UUID = re.compile(UUID_PATTERN)


def canonical_uuid(text: str) -> str | None:
    """`text` as a canonical UUID (trimmed, lower-case), or None when it is not one."""
    lowered = text.strip().lower()
    return lowered if _UUID.fullmatch(lowered) else None
