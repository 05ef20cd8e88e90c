"""Alert settings, read from the environment in one function (the one place to move them from)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

__all__ = ["AlertSettings", "SmtpSecurity", "SmtpSettings", "WebhookSettings", "alert_settings"]

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)
    NONE = "none"  # a relay on a trusted network only


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: SmtpSecurity
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password_variable: str | None = None  # the NAME of the variable holding the password, never the password
    ca_file: Path | None = None  # a private CA to trust (the system's are trusted anyway)
    timeout_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str
    secret_variable: str | None = None  # the NAME of the variable holding the HMAC secret
    timeout_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class AlertSettings:
    smtp: SmtpSettings | None = None
    webhook: WebhookSettings | None = None
    pending_after: timedelta = timedelta(hours=24)
    fiel_warning_days: int = 30
    reconcile_after: timedelta = timedelta(hours=48)

    @property
    def channels_configured(self) -> bool:
        return self.smtp is not None or self.webhook is not None


def _variable_name(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if value and not _VARIABLE.fullmatch(value):
        raise ValueError(f"{name} must name an environment variable (e.g. SMTP_PASSWORD), not hold a secret")
    return value or None


def alert_settings(env: Mapping[str, str] | None = None) -> AlertSettings:
    """Alerts from `CFDI_ETL_ALERT_*`; neither SMTP host nor webhook URL set: alerts are only logged."""
    env = os.environ if env is None else env
    smtp = None
    if host := env.get("CFDI_ETL_ALERT_SMTP_HOST", "").strip():
        security = SmtpSecurity(env.get("CFDI_ETL_ALERT_SMTP_SECURITY", "starttls").strip().lower())
        default_port = {SmtpSecurity.STARTTLS: "587", SmtpSecurity.TLS: "465", SmtpSecurity.NONE: "25"}[
            security
        ]
        recipients = tuple(r.strip() for r in env.get("CFDI_ETL_ALERT_SMTP_TO", "").split(",") if r.strip())
        if not recipients:
            raise ValueError("CFDI_ETL_ALERT_SMTP_HOST is set but CFDI_ETL_ALERT_SMTP_TO names no recipient")
        ca_file = env.get("CFDI_ETL_ALERT_SMTP_CA_FILE", "").strip()
        smtp = SmtpSettings(
            host=host,
            port=int(env.get("CFDI_ETL_ALERT_SMTP_PORT", default_port)),
            security=security,
            sender=env.get("CFDI_ETL_ALERT_SMTP_FROM", "cfdi-etl@localhost").strip(),
            recipients=recipients,
            user=env.get("CFDI_ETL_ALERT_SMTP_USER", "").strip() or None,
            password_variable=_variable_name(env, "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV"),
            ca_file=Path(ca_file) if ca_file else None,
        )
    webhook = None
    if url := env.get("CFDI_ETL_ALERT_WEBHOOK_URL", "").strip():
        webhook = WebhookSettings(
            url=url, secret_variable=_variable_name(env, "CFDI_ETL_ALERT_WEBHOOK_SECRET_ENV")
        )
    return AlertSettings(
        smtp=smtp,
        webhook=webhook,
        pending_after=timedelta(hours=float(env.get("CFDI_ETL_ALERT_PENDING_HOURS", "24"))),
        fiel_warning_days=int(env.get("CFDI_ETL_ALERT_FIEL_DAYS", "30")),
        reconcile_after=timedelta(hours=float(env.get("CFDI_ETL_ALERT_RECONCILE_HOURS", "48"))),
    )
