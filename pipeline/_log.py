"""How steps report progress: a callable taking one line (Dagster's logger, a console, or nothing)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Log", "quiet"]

Log = Callable[[str], None]


def quiet(_: str) -> None:
    """A log that drops every line."""
