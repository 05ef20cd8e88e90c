"""The one way the pipeline reaches SAT: the RFC's e.firma from the registry, one client per service.

Only the request, wait and download steps open it; parsing and loading never need the e.firma.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from etl.acquire import Ledger, PackageStore, SatClientPort, Sync
from etl.registry import RfcRegistry
from pipeline._log import Log
from pipeline._settings import Settings

__all__ = ["sat_session"]


@contextmanager
def sat_session(settings: Settings, rfc: str, log: Log) -> Iterator[Sync]:
    """The request cycle for one RFC, with its e.firma loaded from where `cfdi-etl rfc add` recorded it."""
    with RfcRegistry(settings.paths.ledger) as registry:
        fiel = registry.get(rfc).load()
    with Ledger(settings.paths.ledger) as ledger, SatClientPort(fiel, settings.sat_base_url or None) as sat:
        yield Sync(ledger, PackageStore(settings.paths.packages), sat, settings.sync_config(), log)
