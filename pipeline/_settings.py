"""Every `CFDI_ETL_*` setting, read from the environment in one place into one typed, frozen object.

Entry points (each CLI command, the Dagster code location) read it once and pass it down; nothing below
reads the environment for a setting. The e.firma passwords are not settings: they are secrets, read by
`etl.registry` at the moment a key is opened and never kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from etl.acquire import SyncConfig
from etl.home import SyncPaths
from etl.sat import RequestType, Service
from schemas import Direction
from warehouse import default_path

__all__ = ["VARIABLES", "Settings", "SettingsError"]

_E = TypeVar("_E", bound=StrEnum)
_N = TypeVar("_N", int, float)


# No warehouse file named: the one under the home (an empty path is never a warehouse file).
_UNDER_HOME = Path()


class SettingsError(ValueError):
    """A `CFDI_ETL_*` variable whose value cannot be used; the message names it and says what it takes."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Where state lives, which SAT to talk to, how long to wait, and what each partition covers.

    The defaults run against SAT's production hosts; `cfdi-etl demo` points `sat_base_url` at the sandbox.
    """

    home: Path = Path("var")  # CFDI_ETL_HOME: runtime state
    warehouse: Path = _UNDER_HOME  # CFDI_ETL_WAREHOUSE; by default `home/warehouse/cfdi.duckdb`
    sat_base_url: str = ""  # CFDI_ETL_SAT_BASE_URL; empty: SAT's production hosts
    poll_wait_seconds: float = 30.0  # CFDI_ETL_POLL_WAIT_SECONDS: one run's wait; the sensor waits longer
    poll_interval_seconds: float = 1.0  # CFDI_ETL_POLL_INTERVAL_SECONDS
    stuck_after_hours: float = 72.0  # CFDI_ETL_STUCK_AFTER_HOURS
    lifetime_limit: int = 2  # CFDI_ETL_LIFETIME_LIMIT: SAT's lifetime maximum for the same parameters
    allow_repeat: bool = False  # CFDI_ETL_ALLOW_REPEAT=1: ask past that maximum
    parse_processes: int = 1  # CFDI_ETL_PARSE_PROCESSES: processes parsing XML, this one included
    recent_months: int = 2  # CFDI_ETL_RECENT_MONTHS: months before the current one the schedule reads again
    rfc_lease_wait_seconds: float = (
        600.0  # CFDI_ETL_RFC_LEASE_WAIT_SECONDS: a run's wait for another of its RFC
    )
    services: tuple[Service, ...] = tuple(Service)  # CFDI_ETL_SERVICES
    directions: tuple[Direction, ...] = tuple(Direction)  # CFDI_ETL_DIRECTIONS
    request_types: tuple[RequestType, ...] = tuple(RequestType)  # CFDI_ETL_REQUEST_TYPES
    # The variables that were set, for the Dagster UI to show where a resource's value came from.
    given: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.warehouse == _UNDER_HOME:
            object.__setattr__(self, "warehouse", default_path(self.home))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings `env` (the process environment by default) gives; unset variables keep defaults."""
        env = os.environ if env is None else env
        default = cls()
        home = Path(env.get("CFDI_ETL_HOME", default.home))
        return cls(
            home=home,
            warehouse=Path(env.get("CFDI_ETL_WAREHOUSE", _UNDER_HOME)),
            sat_base_url=env.get("CFDI_ETL_SAT_BASE_URL", default.sat_base_url),
            poll_wait_seconds=_number(env, "CFDI_ETL_POLL_WAIT_SECONDS", float, default.poll_wait_seconds),
            poll_interval_seconds=_number(
                env, "CFDI_ETL_POLL_INTERVAL_SECONDS", float, default.poll_interval_seconds
            ),
            stuck_after_hours=_number(env, "CFDI_ETL_STUCK_AFTER_HOURS", float, default.stuck_after_hours),
            lifetime_limit=_number(env, "CFDI_ETL_LIFETIME_LIMIT", int, default.lifetime_limit),
            allow_repeat=env.get("CFDI_ETL_ALLOW_REPEAT", "") == "1",
            parse_processes=_number(env, "CFDI_ETL_PARSE_PROCESSES", int, default.parse_processes),
            recent_months=_number(env, "CFDI_ETL_RECENT_MONTHS", int, default.recent_months),
            rfc_lease_wait_seconds=_number(
                env, "CFDI_ETL_RFC_LEASE_WAIT_SECONDS", float, default.rfc_lease_wait_seconds
            ),
            services=_members(env, "CFDI_ETL_SERVICES", Service),
            directions=_members(env, "CFDI_ETL_DIRECTIONS", Direction),
            request_types=_members(env, "CFDI_ETL_REQUEST_TYPES", RequestType),
            given=frozenset(name for name in VARIABLES if name in env),
        )

    @property
    def paths(self) -> SyncPaths:
        """The request ledger, package store and staging area, beside the warehouse file."""
        return SyncPaths(self.warehouse.parent)

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def sandbox_home(self) -> Path:
        return self.home / "sandbox"

    def sync_config(self) -> SyncConfig:
        return SyncConfig(
            poll_wait_seconds=self.poll_wait_seconds,
            poll_interval_seconds=self.poll_interval_seconds,
            stuck_after=timedelta(hours=self.stuck_after_hours),
            lifetime_limit=self.lifetime_limit,
            allow_repeat=self.allow_repeat,
        )


def _number(env: Mapping[str, str], name: str, kind: Callable[[str], _N], default: _N) -> _N:
    text = env.get(name)
    if text is None:
        return default
    try:
        value = kind(text.strip())
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a number; e.g. {name}={default}") from None
    if value < 0:
        raise SettingsError(f"{name}={text!r} is negative; e.g. {name}={default}")
    return value


def _members(env: Mapping[str, str], name: str, kind: type[_E]) -> tuple[_E, ...]:
    text = env.get(name)
    if text is None:
        return tuple(kind)
    words = [word.strip() for word in text.split(",") if word.strip()]
    known = ", ".join(member.value for member in kind)
    unknown = [word for word in words if word not in {member.value for member in kind}]
    if unknown or not words:
        raise SettingsError(f"{name}={text!r}: give one or more of {known}, separated by commas")
    return tuple(kind(word) for word in dict.fromkeys(words))


# Every setting's variable, as the README's table lists them.
VARIABLES = (
    "CFDI_ETL_HOME",
    "CFDI_ETL_WAREHOUSE",
    "CFDI_ETL_SAT_BASE_URL",
    "CFDI_ETL_POLL_WAIT_SECONDS",
    "CFDI_ETL_POLL_INTERVAL_SECONDS",
    "CFDI_ETL_STUCK_AFTER_HOURS",
    "CFDI_ETL_LIFETIME_LIMIT",
    "CFDI_ETL_ALLOW_REPEAT",
    "CFDI_ETL_PARSE_PROCESSES",
    "CFDI_ETL_RECENT_MONTHS",
    "CFDI_ETL_SERVICES",
    "CFDI_ETL_DIRECTIONS",
    "CFDI_ETL_REQUEST_TYPES",
)
