"""Deterministic draws: every synthetic fact is a hash of the seed and the fact's own coordinates.

Hashing coordinates (instead of advancing one shared random stream) is what lets any single document be
regenerated on its own, in any order, without generating the ones before it.
"""

from __future__ import annotations

import random
from hashlib import blake2b

__all__ = ["digest", "draw", "rng", "unit"]


def digest(seed: int, *parts: object, size: int = 16) -> bytes:
    """The hash of `(seed, *parts)`; `parts` are joined by their `str` form."""
    text = "|".join([str(seed), *(str(part) for part in parts)])
    return blake2b(text.encode(), digest_size=size).digest()


def draw(seed: int, *parts: object) -> int:
    """A 64-bit integer fixed by `(seed, *parts)`."""
    return int.from_bytes(digest(seed, *parts, size=8), "big")


def unit(seed: int, *parts: object) -> float:
    """A number in [0, 1) fixed by `(seed, *parts)`."""
    return draw(seed, *parts) / 2.0**64


def rng(seed: int, *parts: object) -> random.Random:
    """A private random stream for one document, so its many small choices need no further hashing."""
    return random.Random(int.from_bytes(digest(seed, *parts), "big"))  # noqa: S311 - synthetic data, not security
