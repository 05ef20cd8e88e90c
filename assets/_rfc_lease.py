"""The RFC lease as the pipeline takes it: around each step that talks to SAT, and around a CLI month."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.acquire import LeaseOwner, RfcLease

__all__ = ["one_run_per_rfc"]


@contextmanager
def one_run_per_rfc(
    ledger: Path, rfc: str, run: str, wait_seconds: float, say: Callable[[str], None]
) -> Iterator[None]:
    """Hold `rfc`'s lease for `run` of this process; a holder of this process or run is let through."""
    with RfcLease(ledger) as lease, lease.hold(rfc, LeaseOwner.here(run), wait_seconds=wait_seconds, say=say):
        yield
