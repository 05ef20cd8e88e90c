"""Where alerts go: e-mail over SMTP and a webhook (JSON POST). Secrets are read from the environment when
a message is sent, by the variable names the settings hold, and never written anywhere."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Protocol

from etl.alerts._message import AlertMessage
from etl.alerts._settings import AlertSettings, SmtpSecurity, SmtpSettings, WebhookSettings

__all__ = ["SIGNATURE_HEADER", "Channel", "ChannelError", "SmtpChannel", "WebhookChannel", "channels_for"]

SIGNATURE_HEADER = "X-CFDI-ETL-Signature"


class ChannelError(Exception):
    """A channel could not deliver; the message says why without any secret."""


class Channel(Protocol):
    name: str

    def send(self, message: AlertMessage) -> None: ...


def _secret(env: Mapping[str, str], variable: str | None, what: str) -> str | None:
    if variable is None:
        return None
    value = env.get(variable)
    if value is None:
        raise ChannelError(
            f"the {what} is not set: export {variable}=... (or provide a secret with that name)"
        )
    return value


class SmtpChannel:
    name = "email"

    def __init__(self, settings: SmtpSettings, env: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._env = os.environ if env is None else env

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(
            cafile=None if self.settings.ca_file is None else str(self.settings.ca_file)
        )

    def send(self, message: AlertMessage) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = s.sender
        mail["To"] = ", ".join(s.recipients)
        for name, value in message.headers.items():
            mail[name] = value
        mail.set_content(message.text)
        password = _secret(self._env, s.password_variable, "SMTP password")
        try:
            smtp: smtplib.SMTP
            if s.security is SmtpSecurity.TLS:
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=self._tls())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
            with smtp:
                if s.security is SmtpSecurity.STARTTLS:
                    smtp.starttls(context=self._tls())
                if s.user is not None:
                    smtp.login(s.user, password or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            # smtplib's errors carry the server's reply, never the password sent.
            raise ChannelError(f"SMTP {s.host}:{s.port}: {error}") from None


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: WebhookSettings, env: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._env = os.environ if env is None else env

    def send(self, message: AlertMessage) -> None:
        body = json.dumps(message.payload(), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **message.headers}
        secret = _secret(self._env, self.settings.secret_variable, "webhook secret")
        if secret is not None:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers[SIGNATURE_HEADER] = f"sha256={digest}"
        request = urllib.request.Request(self.settings.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout_seconds) as answer:  # noqa: S310
                answer.read()
        except urllib.error.HTTPError as error:
            raise ChannelError(f"webhook answered HTTP {error.code} {error.reason}") from None
        except (OSError, ValueError) as error:
            raise ChannelError(f"webhook unreachable: {error}") from None


def channels_for(settings: AlertSettings, env: Mapping[str, str] | None = None) -> list[Channel]:
    channels: list[Channel] = []
    if settings.smtp is not None:
        channels.append(SmtpChannel(settings.smtp, env))
    if settings.webhook is not None:
        channels.append(WebhookChannel(settings.webhook, env))
    return channels
