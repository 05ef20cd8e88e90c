"""Registering an RFC: validated, its FIEL location recorded in the ledger, its partition added."""

from __future__ import annotations

import os
from pathlib import Path

from assets._instance import local_instance
from assets._partitions import add_rfc
from assets._resources import SyncResource
from etl.registry import FielLocation, RfcRegistry, default_password_variable
from etl.sat import FielError, check_rfc

__all__ = ["register_rfc", "registered"]


def register_rfc(rfc: str, cer: Path, key: Path, password_variable: str | None = None) -> str:
    """Register `rfc`; returns what was done, in the user's words. Raises ValueError on a bad RFC or FIEL."""
    checked = check_rfc(rfc, "The RFC")
    location = FielLocation(checked, cer, key, password_variable or default_password_variable(checked))
    checked_now = ""
    if location.password_variable in os.environ:
        try:
            fiel = location.load()
        except FielError as error:
            raise ValueError(str(error)) from None
        if fiel.rfc != checked:
            raise ValueError(f"this e.firma belongs to {fiel.rfc}, not to {checked}")
        checked_now = f", e.firma checked (valid until {fiel.not_after:%Y-%m-%d})"
    with RfcRegistry(SyncResource.from_env().paths.ledger) as registry:
        registry.add(location)
    add_rfc(local_instance(), checked)
    waiting = "" if checked_now else f"; set {location.password_variable} before a run"
    return f"registered {checked}{checked_now}{waiting}"


def registered() -> list[FielLocation]:
    with RfcRegistry(SyncResource.from_env().paths.ledger) as registry:
        return registry.all()
