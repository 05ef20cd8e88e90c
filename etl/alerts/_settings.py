"""What alerts go through (SMTP, a webhook) and when a fact becomes one; `pipeline.Settings` reads them from
`CFDI_ETL_ALERT_*`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

__all__ = ["DEFAULT_SMTP_SENDER", "AlertSettings", "SmtpSecurity", "SmtpSettings", "WebhookSettings"]

DEFAULT_SMTP_SENDER = "cfdi-etl@localhost"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)
    NONE = "none"  # a relay on a trusted network only

    @property
    def default_port(self) -> int:
        return {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}[self]


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
