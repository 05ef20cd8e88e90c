"""Where the shared, read-only fixtures live (`../shared/fixtures` beside the checkout, in CI too)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CFDI_FIXTURES", "REPO_ROOT", "SAT_FIXTURES", "SHARED_FIXTURES"]

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = REPO_ROOT.parent / "shared" / "fixtures"
SAT_FIXTURES = SHARED_FIXTURES / "sat"
CFDI_FIXTURES = SHARED_FIXTURES / "cfdi"
