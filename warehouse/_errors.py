"""What the warehouse raises; every message says what went wrong and what to do."""

from __future__ import annotations

import errno

__all__ = [
    "IncompatibleWarehouseError",
    "LoadError",
    "WarehouseError",
    "WarehouseLockedError",
    "disk_full",
]


class WarehouseError(Exception):
    """Base of everything the warehouse refuses."""


class IncompatibleWarehouseError(WarehouseError):
    """The file cannot be used by this version of cfdi-etl as it is."""


class LoadError(WarehouseError):
    """A load was refused or failed; the partition keeps its previous contents."""


class WarehouseLockedError(WarehouseError):
    """Another process kept the file open for writing longer than a writer waits for it."""


def disk_full(error: BaseException | str) -> bool:
    """True when `error` (or its message) is the disk running out of space (DuckDB says so only in words)."""
    return (isinstance(error, OSError) and error.errno == errno.ENOSPC) or "No space left on device" in str(
        error
    )
