"""The settings as a Dagster resource, so the UI shows them (and which came from which variable)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field, PrivateAttr

from assets._rfc_lease import one_run_per_rfc
from etl.alerts import DEFAULT_SMTP_SENDER, AlertSettings, SmtpSecurity, SmtpSettings, WebhookSettings
from etl.home import SyncPaths
from etl.sat import RequestType, Service
from etl.status import StatusSettings
from pipeline import Settings
from schemas import Direction

__all__ = ["SyncResource"]

_DEFAULT = Settings()
# The fields a Dagster user looks for in the UI, configured as `dg.EnvVar` when their variable was set so
# the UI names it (Dagster's EnvVar takes text and whole numbers; the others show as plain values).
_SHOWN_AS_VARIABLES: tuple[tuple[str, str, type], ...] = (
    ("home", "CFDI_ETL_HOME", str),
    ("warehouse", "CFDI_ETL_WAREHOUSE", str),
    ("sat_base_url", "CFDI_ETL_SAT_BASE_URL", str),
    ("lists_base_url", "CFDI_ETL_LISTS_BASE_URL", str),
    ("status_base_url", "CFDI_ETL_STATUS_BASE_URL", str),
    ("lifetime_limit", "CFDI_ETL_LIFETIME_LIMIT", int),
    ("parse_processes", "CFDI_ETL_PARSE_PROCESSES", int),
    ("recent_months", "CFDI_ETL_RECENT_MONTHS", int),
    ("lists_max_age_days", "CFDI_ETL_LISTS_MAX_AGE_DAYS", int),
    ("status_concurrency", "CFDI_ETL_STATUS_CONCURRENCY", int),
    ("status_attempts", "CFDI_ETL_STATUS_ATTEMPTS", int),
    ("status_months", "CFDI_ETL_STATUS_MONTHS", int),
    ("alert_smtp_host", "CFDI_ETL_ALERT_SMTP_HOST", str),
    ("alert_smtp_port", "CFDI_ETL_ALERT_SMTP_PORT", int),
    ("alert_smtp_from", "CFDI_ETL_ALERT_SMTP_FROM", str),
    ("alert_smtp_password_env", "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV", str),
    ("alert_webhook_url", "CFDI_ETL_ALERT_WEBHOOK_URL", str),
    ("alert_webhook_secret_env", "CFDI_ETL_ALERT_WEBHOOK_SECRET_ENV", str),
    ("alert_fiel_days", "CFDI_ETL_ALERT_FIEL_DAYS", int),
)


def _alert_fields(alerts: AlertSettings) -> dict[str, Any]:
    """The alert settings as the resource's fields (an empty host or URL: no such channel)."""
    smtp, webhook = alerts.smtp, alerts.webhook
    return {
        "alert_smtp_host": smtp.host if smtp else "",
        "alert_smtp_port": smtp.port if smtp else 0,
        "alert_smtp_security": (smtp.security if smtp else SmtpSecurity.STARTTLS).value,
        "alert_smtp_from": smtp.sender if smtp else DEFAULT_SMTP_SENDER,
        "alert_smtp_to": list(smtp.recipients) if smtp else [],
        "alert_smtp_user": (smtp.user or "") if smtp else "",
        "alert_smtp_password_env": (smtp.password_variable or "") if smtp else "",
        "alert_smtp_ca_file": str(smtp.ca_file or "") if smtp else "",
        "alert_webhook_url": webhook.url if webhook else "",
        "alert_webhook_secret_env": (webhook.secret_variable or "") if webhook else "",
        "alert_pending_hours": alerts.pending_after.total_seconds() / 3600,
        "alert_fiel_days": alerts.fiel_warning_days,
        "alert_reconcile_hours": alerts.reconcile_after.total_seconds() / 3600,
    }


_ALERTS = _alert_fields(_DEFAULT.alerts)


class SyncResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where the warehouse is, which SAT to talk to, how long to wait, and what each partition covers.

    One field per setting of `pipeline.Settings` (its defaults); `settings()` is what the steps take. The
    alert fields name the channels (addresses, and the NAMES of the variables holding their secrets, never a
    secret); an empty SMTP host or webhook URL: no such channel.
    """

    warehouse: str
    home: str = str(_DEFAULT.home)  # runtime state: the Dagster instance, the sandbox
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
    warehouse_lock_wait_seconds: float = _DEFAULT.warehouse_lock_wait_seconds  # a writer's wait for another
    max_document_bytes: int = _DEFAULT.max_document_bytes  # the largest XML document read
    lists_base_url: str = _DEFAULT.lists_base_url  # where SAT's list files are; the demo: the sandbox's
    lists_max_age_days: int = _DEFAULT.lists_max_age_days  # the 69-B list's own date, at most this old
    status_base_url: str = _DEFAULT.status.base_url  # empty: follows sat_base_url (B/consulta), else SAT's
    status_calls_per_second: float = _DEFAULT.status.calls_per_second  # 0: no pacing (the sandbox)
    status_concurrency: int = _DEFAULT.status.concurrency
    status_timeout_seconds: float = _DEFAULT.status.timeout_seconds
    status_attempts: int = _DEFAULT.status.attempts
    status_months: int = _DEFAULT.status.months
    alert_smtp_host: str = _ALERTS["alert_smtp_host"]
    alert_smtp_port: int = _ALERTS["alert_smtp_port"]  # 0: the security's own (587, 465, 25)
    alert_smtp_security: str = _ALERTS["alert_smtp_security"]  # starttls, tls or none
    alert_smtp_from: str = _ALERTS["alert_smtp_from"]
    alert_smtp_to: list[str] = Field(default_factory=list)
    alert_smtp_user: str = _ALERTS["alert_smtp_user"]
    alert_smtp_password_env: str = _ALERTS["alert_smtp_password_env"]  # the variable's NAME
    alert_smtp_ca_file: str = _ALERTS["alert_smtp_ca_file"]  # empty: the system's CAs
    alert_webhook_url: str = _ALERTS["alert_webhook_url"]
    alert_webhook_secret_env: str = _ALERTS["alert_webhook_secret_env"]  # the variable's NAME
    alert_pending_hours: float = _ALERTS["alert_pending_hours"]
    alert_fiel_days: int = _ALERTS["alert_fiel_days"]
    alert_reconcile_hours: float = _ALERTS["alert_reconcile_hours"]
    _run_id: str = PrivateAttr(default="")

    @classmethod
    def from_settings(cls, settings: Settings, *, env_vars: bool = False) -> SyncResource:
        """The resource holding `settings`; with `env_vars`, the values that came from a variable are
        configured as `dg.EnvVar` (for the code location: the UI then names the variable)."""
        status = settings.status
        values: dict[str, Any] = {
            "warehouse": str(settings.warehouse),
            "home": str(settings.home),
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
            "warehouse_lock_wait_seconds": settings.warehouse_lock_wait_seconds,
            "max_document_bytes": settings.max_document_bytes,
            "lists_base_url": settings.lists_base_url,
            "lists_max_age_days": settings.lists_max_age_days,
            "status_base_url": status.base_url,
            "status_calls_per_second": status.calls_per_second,
            "status_concurrency": status.concurrency,
            "status_timeout_seconds": status.timeout_seconds,
            "status_attempts": status.attempts,
            "status_months": status.months,
            **_alert_fields(settings.alerts),
        }
        if env_vars:
            for name, variable, kind in _SHOWN_AS_VARIABLES:
                if variable in settings.given:
                    values[name] = dg.EnvVar(variable) if kind is str else dg.EnvVar.int(variable)
        return cls(**values)

    def settings(self) -> Settings:
        """The typed settings the pipeline's steps take."""
        return Settings(
            home=Path(self.home),
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
            warehouse_lock_wait_seconds=self.warehouse_lock_wait_seconds,
            max_document_bytes=self.max_document_bytes,
            lists_base_url=self.lists_base_url,
            lists_max_age_days=self.lists_max_age_days,
            status=StatusSettings(
                base_url=self.status_base_url,
                calls_per_second=self.status_calls_per_second,
                concurrency=self.status_concurrency,
                timeout_seconds=self.status_timeout_seconds,
                attempts=self.status_attempts,
                months=self.status_months,
            ),
            alerts=self._alerts(),
        )

    def _alerts(self) -> AlertSettings:
        security = SmtpSecurity(self.alert_smtp_security)
        smtp = SmtpSettings(
            host=self.alert_smtp_host,
            port=self.alert_smtp_port or security.default_port,
            security=security,
            sender=self.alert_smtp_from,
            recipients=tuple(self.alert_smtp_to),
            user=self.alert_smtp_user or None,
            password_variable=self.alert_smtp_password_env or None,
            ca_file=Path(self.alert_smtp_ca_file) if self.alert_smtp_ca_file else None,
        )
        webhook = WebhookSettings(self.alert_webhook_url, self.alert_webhook_secret_env or None)
        return AlertSettings(
            smtp=smtp if self.alert_smtp_host else None,
            webhook=webhook if self.alert_webhook_url else None,
            pending_after=timedelta(hours=self.alert_pending_hours),
            fiel_warning_days=self.alert_fiel_days,
            reconcile_after=timedelta(hours=self.alert_reconcile_hours),
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
