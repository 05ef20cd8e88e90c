"""The settings as a Dagster resource, so the UI shows them (and which came from which variable)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field, PrivateAttr

from assets._rfc_lease import one_run_per_rfc
from etl.home import SyncPaths
from etl.sat import RequestType, Service
from pipeline import Settings
from schemas import Direction

__all__ = ["SyncResource"]

_DEFAULT = Settings()


class SyncResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where the warehouse is, which SAT to talk to, how long to wait, and what each partition covers.

    One field per setting of `pipeline.Settings` (its defaults); `settings()` is what the steps take.
    """

    warehouse: str
    sat_base_url: str = _DEFAULT.sat_base_url  # empty: SAT's production hosts; the demo sets the sandbox's
    poll_wait_seconds: float = _DEFAULT.poll_wait_seconds
    poll_interval_seconds: float = _DEFAULT.poll_interval_seconds
    stuck_after_hours: float = _DEFAULT.stuck_after_hours
    lifetime_limit: int = _DEFAULT.lifetime_limit
    allow_repeat: bool = _DEFAULT.allow_repeat
    parse_processes: int = _DEFAULT.parse_processes  # processes parsing XML, this one included
    recent_months: int = _DEFAULT.recent_months  # months before the current one the schedule reads again
    rfc_lease_wait_seconds: float = _DEFAULT.rfc_lease_wait_seconds  # a run's wait for another of its RFC
    services: list[str] = Field(default_factory=lambda: [s.value for s in _DEFAULT.services])
    directions: list[str] = Field(default_factory=lambda: [d.value for d in _DEFAULT.directions])
    request_types: list[str] = Field(default_factory=lambda: [t.value for t in _DEFAULT.request_types])
    _run_id: str = PrivateAttr(default="")

    @classmethod
    def from_settings(cls, settings: Settings, *, env_vars: bool = False) -> SyncResource:
        """The resource holding `settings`; with `env_vars`, the values that came from a variable are
        configured as `dg.EnvVar` (for the code location: the UI then names the variable)."""
        values: dict[str, Any] = {
            "warehouse": str(settings.warehouse),
            "sat_base_url": settings.sat_base_url,
            "poll_wait_seconds": settings.poll_wait_seconds,
            "poll_interval_seconds": settings.poll_interval_seconds,
            "stuck_after_hours": settings.stuck_after_hours,
            "lifetime_limit": settings.lifetime_limit,
            "allow_repeat": settings.allow_repeat,
            "parse_processes": settings.parse_processes,
            "recent_months": settings.recent_months,
            "rfc_lease_wait_seconds": settings.rfc_lease_wait_seconds,
            "services": [s.value for s in settings.services],
            "directions": [d.value for d in settings.directions],
            "request_types": [t.value for t in settings.request_types],
        }
        if env_vars:
            # Dagster's EnvVar takes text and whole numbers; the other settings show as plain values.
            for name, variable in (
                ("warehouse", "CFDI_ETL_WAREHOUSE"),
                ("sat_base_url", "CFDI_ETL_SAT_BASE_URL"),
            ):
                if variable in settings.given:
                    values[name] = dg.EnvVar(variable)
            for name, variable in (
                ("lifetime_limit", "CFDI_ETL_LIFETIME_LIMIT"),
                ("parse_processes", "CFDI_ETL_PARSE_PROCESSES"),
                ("recent_months", "CFDI_ETL_RECENT_MONTHS"),
            ):
                if variable in settings.given:
                    values[name] = dg.EnvVar.int(variable)
        return cls(**values)

    def settings(self) -> Settings:
        """The typed settings the pipeline's steps take."""
        return Settings(
            warehouse=Path(self.warehouse),
            sat_base_url=self.sat_base_url,
            poll_wait_seconds=self.poll_wait_seconds,
            poll_interval_seconds=self.poll_interval_seconds,
            stuck_after_hours=self.stuck_after_hours,
            lifetime_limit=self.lifetime_limit,
            allow_repeat=self.allow_repeat,
            parse_processes=self.parse_processes,
            recent_months=self.recent_months,
            rfc_lease_wait_seconds=self.rfc_lease_wait_seconds,
            services=tuple(Service(s) for s in self.services),
            directions=tuple(Direction(d) for d in self.directions),
            request_types=tuple(RequestType(t) for t in self.request_types),
        )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_id = context.run.run_id if context.run else ""

    @property
    def paths(self) -> SyncPaths:
        return self.settings().paths

    @contextmanager
    def one_run_per_rfc(
        self, rfc: str, log: Callable[[str], None], wait: float | None = None
    ) -> Iterator[None]:
        """This run's hold on the RFC's lease around a step that talks to SAT (waiting up to `wait`, by
        default `rfc_lease_wait_seconds`); the CLI's runner holds it around the whole month."""
        chosen = self.rfc_lease_wait_seconds if wait is None else wait
        with one_run_per_rfc(self.paths.ledger, rfc, self._run_id, chosen, log):
            yield
