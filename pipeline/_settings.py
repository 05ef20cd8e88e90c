"""Every `CFDI_ETL_*` setting, read from the environment in one place into one typed, frozen object.

Entry points (each CLI command, the Dagster code location) read it once and pass it down;
nothing below reads the environment for a setting: the library takes each value as a parameter whose
default is defined once, beside the code that uses it (`warehouse.DEFAULT_LOCK_WAIT_SECONDS`,
`etl.parse.bound.DEFAULT_MAX_DOCUMENT_BYTES`, `etl.alerts.AlertSettings`, `etl.status.StatusSettings`).
`tests/pipeline/test_settings_read_once.py` fails if another module reads a `CFDI_ETL_*` variable.

Secrets are not settings: the e.firma passwords (`CFDI_ETL_FIEL_PASSWORD_<RFC>`), the SMTP password and the
webhook secret are read only at the moment a key is opened or a message is sent, from the variable a
setting NAMES (`CFDI_ETL_ALERT_SMTP_PASSWORD_ENV`), and never kept, so no `Settings` (nor its repr, nor the
Dagster resource built from it) ever holds one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from etl.acquire import SyncConfig
from etl.alerts import DEFAULT_SMTP_SENDER, AlertSettings, SmtpSecurity, SmtpSettings, WebhookSettings
from etl.home import SyncPaths
from etl.lists import DEFAULT_BASE_URL as LISTS_DEFAULT_BASE_URL
from etl.parse.bound import DEFAULT_MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES_VARIABLE
from etl.sat import RequestType, Service
from etl.status import StatusSettings
from schemas import Direction
from warehouse import DEFAULT_LOCK_WAIT_SECONDS, default_path

__all__ = ["VARIABLES", "Settings", "SettingsError"]

_E = TypeVar("_E", bound=StrEnum)
_N = TypeVar("_N", int, float)


# No warehouse file named: the one under the home (an empty path is never a warehouse file).
_UNDER_HOME = Path()
# A setting that names another variable (where a secret is) holds a variable's name, never the secret.
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Frozen value types: one instance each serves as every Settings' default.
_STATUS_DEFAULTS = StatusSettings()
_ALERT_DEFAULTS = AlertSettings()


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
    # CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS: a writer's wait for another process writing to the warehouse
    warehouse_lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES  # CFDI_ETL_MAX_DOCUMENT_BYTES
    lists_base_url: str = LISTS_DEFAULT_BASE_URL  # CFDI_ETL_LISTS_BASE_URL: where SAT's list files are
    lists_max_age_days: int = 120  # CFDI_ETL_LISTS_MAX_AGE_DAYS: SAT replaces the 69-B files every few months
    status: StatusSettings = _STATUS_DEFAULTS  # CFDI_ETL_STATUS_*; the service as decided: `status_service`
    alerts: AlertSettings = _ALERT_DEFAULTS  # CFDI_ETL_ALERT_*; no channel: alerts are only logged
    # The variables set to something (a blank one reads as unset), for the Dagster UI to show where a
    # resource's value came from.
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
            warehouse_lock_wait_seconds=_number(
                env, "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS", float, default.warehouse_lock_wait_seconds
            ),
            max_document_bytes=_bytes(env, MAX_DOCUMENT_BYTES_VARIABLE, default.max_document_bytes),
            lists_base_url=env.get("CFDI_ETL_LISTS_BASE_URL", "") or default.lists_base_url,
            lists_max_age_days=_number(env, "CFDI_ETL_LISTS_MAX_AGE_DAYS", int, default.lists_max_age_days),
            status=_status(env),
            alerts=_alerts(env),
            given=frozenset(name for name in VARIABLES if env.get(name, "").strip()),
        )

    @property
    def status_service(self) -> StatusSettings:
        """The status settings with the service decided: `CFDI_ETL_STATUS_BASE_URL`, else the sandbox's
        `B/consulta` when `sat_base_url` is a sandbox-like server B, else SAT's."""
        return self.status.following(self.sat_base_url)

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
    if text is None or not text.strip():
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


def _bytes(env: Mapping[str, str], name: str, default: int) -> int:
    """A positive whole number of bytes; `_` may group its digits (`67_108_864`)."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise SettingsError(f"{name}={text!r} is not a positive number of bytes; e.g. {name}={default}")
    return value


def _text(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, "").strip() or default


def _variable_name(env: Mapping[str, str], name: str) -> str | None:
    value = _text(env, name)
    if value and not _VARIABLE_NAME.fullmatch(value):
        raise SettingsError(
            f"{name} must name an environment variable (e.g. SMTP_PASSWORD), not hold a secret"
        )
    return value or None


def _status(env: Mapping[str, str]) -> StatusSettings:
    default = _STATUS_DEFAULTS
    try:
        return StatusSettings(
            base_url=env.get("CFDI_ETL_STATUS_BASE_URL", ""),
            calls_per_second=_number(
                env, "CFDI_ETL_STATUS_CALLS_PER_SECOND", float, default.calls_per_second
            ),
            concurrency=_number(env, "CFDI_ETL_STATUS_CONCURRENCY", int, default.concurrency),
            timeout_seconds=_number(env, "CFDI_ETL_STATUS_TIMEOUT_SECONDS", float, default.timeout_seconds),
            attempts=_number(env, "CFDI_ETL_STATUS_ATTEMPTS", int, default.attempts),
            months=_number(env, "CFDI_ETL_STATUS_MONTHS", int, default.months),
        )
    except ValueError as error:  # the value type's own rules (at least one call in flight, ...)
        raise SettingsError(str(error)) from None


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = _text(env, "CFDI_ETL_ALERT_SMTP_HOST")
    if not host:
        return None
    written = _text(env, "CFDI_ETL_ALERT_SMTP_SECURITY", SmtpSecurity.STARTTLS.value).lower()
    if written not in {member.value for member in SmtpSecurity}:
        known = ", ".join(member.value for member in SmtpSecurity)
        raise SettingsError(f"CFDI_ETL_ALERT_SMTP_SECURITY={written!r}: give one of {known}")
    security = SmtpSecurity(written)
    recipients = tuple(r.strip() for r in env.get("CFDI_ETL_ALERT_SMTP_TO", "").split(",") if r.strip())
    if not recipients:
        raise SettingsError("CFDI_ETL_ALERT_SMTP_HOST is set but CFDI_ETL_ALERT_SMTP_TO names no recipient")
    ca_file = _text(env, "CFDI_ETL_ALERT_SMTP_CA_FILE")
    return SmtpSettings(
        host=host,
        port=_number(env, "CFDI_ETL_ALERT_SMTP_PORT", int, security.default_port),
        security=security,
        sender=_text(env, "CFDI_ETL_ALERT_SMTP_FROM", DEFAULT_SMTP_SENDER),
        recipients=recipients,
        user=_text(env, "CFDI_ETL_ALERT_SMTP_USER") or None,
        password_variable=_variable_name(env, "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV"),
        ca_file=Path(ca_file) if ca_file else None,
    )


def _alerts(env: Mapping[str, str]) -> AlertSettings:
    """Neither SMTP host nor webhook URL set: alerts are only logged."""
    default = _ALERT_DEFAULTS
    url = _text(env, "CFDI_ETL_ALERT_WEBHOOK_URL")
    webhook = (
        WebhookSettings(url=url, secret_variable=_variable_name(env, "CFDI_ETL_ALERT_WEBHOOK_SECRET_ENV"))
        if url
        else None
    )
    hours = default.pending_after.total_seconds() / 3600, default.reconcile_after.total_seconds() / 3600
    return AlertSettings(
        smtp=_smtp(env),
        webhook=webhook,
        pending_after=timedelta(hours=_number(env, "CFDI_ETL_ALERT_PENDING_HOURS", float, hours[0])),
        fiel_warning_days=_number(env, "CFDI_ETL_ALERT_FIEL_DAYS", int, default.fiel_warning_days),
        reconcile_after=timedelta(hours=_number(env, "CFDI_ETL_ALERT_RECONCILE_HOURS", float, hours[1])),
    )


# Every setting's variable, as the README's tables list them (each once).
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
    "CFDI_ETL_RFC_LEASE_WAIT_SECONDS",
    "CFDI_ETL_SERVICES",
    "CFDI_ETL_DIRECTIONS",
    "CFDI_ETL_REQUEST_TYPES",
    "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS",
    "CFDI_ETL_MAX_DOCUMENT_BYTES",
    "CFDI_ETL_LISTS_BASE_URL",
    "CFDI_ETL_LISTS_MAX_AGE_DAYS",
    "CFDI_ETL_STATUS_BASE_URL",
    "CFDI_ETL_STATUS_CALLS_PER_SECOND",
    "CFDI_ETL_STATUS_CONCURRENCY",
    "CFDI_ETL_STATUS_TIMEOUT_SECONDS",
    "CFDI_ETL_STATUS_ATTEMPTS",
    "CFDI_ETL_STATUS_MONTHS",
    "CFDI_ETL_ALERT_SMTP_HOST",
    "CFDI_ETL_ALERT_SMTP_PORT",
    "CFDI_ETL_ALERT_SMTP_SECURITY",
    "CFDI_ETL_ALERT_SMTP_USER",
    "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV",
    "CFDI_ETL_ALERT_SMTP_FROM",
    "CFDI_ETL_ALERT_SMTP_TO",
    "CFDI_ETL_ALERT_SMTP_CA_FILE",
    "CFDI_ETL_ALERT_WEBHOOK_URL",
    "CFDI_ETL_ALERT_WEBHOOK_SECRET_ENV",
    "CFDI_ETL_ALERT_PENDING_HOURS",
    "CFDI_ETL_ALERT_FIEL_DAYS",
    "CFDI_ETL_ALERT_RECONCILE_HOURS",
)
