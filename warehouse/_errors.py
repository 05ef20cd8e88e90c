"""What the warehouse raises; every message says what went wrong and what to do."""

from __future__ import annotations

__all__ = ["IncompatibleWarehouseError", "LoadError", "WarehouseBusyError", "WarehouseError"]


class WarehouseError(Exception):
    """Base of everything the warehouse refuses."""


class WarehouseBusyError(WarehouseError):
    """Another process holds the file for writing (a load); try again later, or read the published copy."""


class IncompatibleWarehouseError(WarehouseError):
    """The file cannot be used by this version of cfdi-etl as it is."""


class LoadError(WarehouseError):
    """A load was refused or failed; the partition keeps its previous contents."""
