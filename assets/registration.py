"""Registering an RFC: validated, its FIEL location recorded in the ledger, its partition added."""

from __future__ import annotations

import os
from pathlib import Path

from assets._instance import local_instance
from assets._partitions import add_rfc
from etl.registry import FielLocation, RfcRegistry, default_password_variable
from etl.sat import FielError
from pipeline import Settings
from schemas import check_rfc

__all__ = ["register_rfc", "registered"]


def register_rfc(rfc: str, cer: Path, key: Path, password_variable: str | None = None) -> str:
    """Register `rfc`; returns what was done, in the user's words. Raises ValueError on a bad RFC or FIEL."""
    rfc_checked = check_rfc(rfc)
    location = FielLocation(
        rfc_checked, cer, key, password_variable or default_password_variable(rfc_checked)
    )
    # Everything is checked before anything is stored, so a refused e.firma never replaces a good one.
    has_password = location.password_variable in os.environ
    try:
        if has_password:
            fiel = location.load()
            owner, valid_until, checked = fiel.rfc, fiel.not_after, "e.firma checked"
        else:
            owner, valid_until = location.check_certificate()
            checked = "certificate checked, key not yet (no password)"
    except FielError as error:
        raise ValueError(str(error)) from None
    if owner != rfc_checked:
        raise ValueError(f"this e.firma belongs to {owner}, not to {rfc_checked}")
    with RfcRegistry(Settings.from_env().paths.ledger) as registry:
        registry.add(location)
    add_rfc(local_instance(), rfc_checked)
    waiting = "" if has_password else f"; set {location.password_variable} before a run"
    return f"registered {rfc_checked}, {checked} (valid until {valid_until:%Y-%m-%d}){waiting}"


def registered() -> list[FielLocation]:
    with RfcRegistry(Settings.from_env().paths.ledger) as registry:
        return registry.all()
