"""One size bound for an XML document, loose file or zip entry alike: above it a reject, never read whole.

A CFDI or Retenciones is a few kilobytes; the largest real ones (thousands of line items, big addenda) are a
few megabytes. A document above the bound is refused with its size, its sha256 (computed while streaming
it, so it is found again in its folder or package) and what to do, and the rest of its batch loads. The
bound is `CFDI_ETL_MAX_DOCUMENT_BYTES` (default 64 MiB), read by `pipeline.Settings` and passed down.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

from etl.parse._xml import Rejection

__all__ = [
    "DEFAULT_MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_BYTES_VARIABLE",
    "read_document",
    "streamed_sha256",
    "too_large",
]

DEFAULT_MAX_DOCUMENT_BYTES = 64 << 20
MAX_DOCUMENT_BYTES_VARIABLE = "CFDI_ETL_MAX_DOCUMENT_BYTES"
_CHUNK = 1 << 20


def streamed_sha256(handle: IO[bytes]) -> tuple[str, int]:
    """sha256 and size of what `handle` reads, a megabyte at a time."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def too_large(source: str, sha256: str, size: int, bound: int) -> Rejection:
    """The reject of a document above the bound (the kind is not told: it was never parsed)."""
    return Rejection(
        source,
        sha256,
        size,
        None,
        None,
        f"the document is {size:,} bytes, more than the {bound:,} allowed for one CFDI or Retenciones; "
        f"if it is genuine, load it again with {MAX_DOCUMENT_BYTES_VARIABLE} set above its size",
    )


def read_document(path: Path, bound: int) -> bytes | Rejection:
    """A loose file's bytes, or its reject when it is above the bound (then streamed, never held)."""
    if path.stat().st_size <= bound:
        with path.open("rb") as handle:
            data = handle.read(bound + 1)  # a file that grew since: still never more than the bound
        if len(data) <= bound:
            return data
        del data
    with path.open("rb") as handle:
        sha256, size = streamed_sha256(handle)
    return too_large(str(path), sha256, size, bound)
