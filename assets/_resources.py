"""Configuration from the environment (and Dagster config): defaults run the sandbox demo with no setup."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import dagster as dg
from pydantic import Field, PrivateAttr

from assets._rfc_lease import one_run_per_rfc
from etl.acquire import Ledger, PackageStore, SatClientPort, Sync, SyncConfig
from etl.home import SyncPaths
from etl.registry import RfcRegistry
from etl.sat import Direction, RequestType, Service
from warehouse import default_path

__all__ = ["SyncResource"]


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


class SyncResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where the warehouse is, which SAT to talk to, how long to wait, and what each partition covers."""

    warehouse: str
    sat_base_url: str = ""  # empty: SAT's production hosts; the demo sets the sandbox's URL
    poll_wait_seconds: float = 30.0
    poll_interval_seconds: float = 1.0
    stuck_after_hours: float = 72.0
    lifetime_limit: int = 2
    allow_repeat: bool = False
    parse_processes: int = 1  # processes parsing XML, this one included
    services: list[str] = Field(default_factory=lambda: [s.value for s in Service])
    directions: list[str] = Field(default_factory=lambda: [d.value for d in Direction])
    request_types: list[str] = Field(default_factory=lambda: [t.value for t in RequestType])
    rfc_lease_wait_seconds: float = 600.0  # how long a run waits for another run of its RFC
    _run_id: str = PrivateAttr(default="")

    @classmethod
    def from_env(cls) -> SyncResource:
        env = os.environ
        return cls(
            warehouse=env.get("CFDI_ETL_WAREHOUSE", str(default_path())),
            sat_base_url=env.get("CFDI_ETL_SAT_BASE_URL", ""),
            poll_wait_seconds=float(env.get("CFDI_ETL_POLL_WAIT_SECONDS", "30")),
            poll_interval_seconds=float(env.get("CFDI_ETL_POLL_INTERVAL_SECONDS", "1")),
            stuck_after_hours=float(env.get("CFDI_ETL_STUCK_AFTER_HOURS", "72")),
            lifetime_limit=int(env.get("CFDI_ETL_LIFETIME_LIMIT", "2")),
            allow_repeat=env.get("CFDI_ETL_ALLOW_REPEAT", "") == "1",
            parse_processes=int(env.get("CFDI_ETL_PARSE_PROCESSES", "1")),
            services=_env_list("CFDI_ETL_SERVICES", "cfdi,retenciones"),
            directions=_env_list("CFDI_ETL_DIRECTIONS", "emitidos,recibidos"),
            request_types=_env_list("CFDI_ETL_REQUEST_TYPES", "Metadata,CFDI"),
            rfc_lease_wait_seconds=float(env.get("CFDI_ETL_RFC_LEASE_WAIT_SECONDS", "600")),
        )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_id = context.run.run_id if context.run else ""

    @property
    def paths(self) -> SyncPaths:
        return SyncPaths(Path(self.warehouse).parent)

    @property
    def chosen_services(self) -> list[Service]:
        return [Service(s) for s in self.services]

    @property
    def chosen_directions(self) -> list[Direction]:
        return [Direction(d) for d in self.directions]

    @property
    def chosen_request_types(self) -> list[RequestType]:
        return [RequestType(t) for t in self.request_types]

    def sync_config(self) -> SyncConfig:
        return SyncConfig(
            poll_wait_seconds=self.poll_wait_seconds,
            poll_interval_seconds=self.poll_interval_seconds,
            stuck_after=timedelta(hours=self.stuck_after_hours),
            lifetime_limit=self.lifetime_limit,
            allow_repeat=self.allow_repeat,
        )

    @contextmanager
    def ledger(self) -> Iterator[Ledger]:
        with Ledger(self.paths.ledger) as ledger:
            yield ledger

    @contextmanager
    def sync(self, rfc: str, log: Callable[[str], None], lease_wait: float | None = None) -> Iterator[Sync]:
        """The sync steps for one RFC, with its e.firma loaded from where `cfdi-etl rfc add` recorded it,
        inside the RFC's lease (waiting up to `lease_wait`, default `rfc_lease_wait_seconds`)."""
        with RfcRegistry(self.paths.ledger) as registry:
            fiel = registry.get(rfc).load()
        wait = self.rfc_lease_wait_seconds if lease_wait is None else lease_wait
        with (
            one_run_per_rfc(self.paths.ledger, rfc, self._run_id, wait, log),
            Ledger(self.paths.ledger) as ledger,
            SatClientPort(fiel, self.sat_base_url or None) as sat,
        ):
            yield Sync(ledger, PackageStore(self.paths.packages), sat, self.sync_config(), log)
