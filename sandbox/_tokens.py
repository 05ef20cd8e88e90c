"""Tokens shaped like SAT's (a JWT followed by `%26wrap_subject%3d<hex>`), signed with a per-sandbox secret.

The secret lives in the data directory, so tokens survive a restart of the server as they survive a
restart of one of SAT's nodes. Early invalidation (a fault) is recorded by the store, not here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TokenClaims", "TokenIssuer", "token_from_authorization"]

_ISSUER = "LoadSolicitudDecargaMasivaTerceros"
_SUBJECT_SEPARATOR = "%26wrap_subject%3d"
_SECRET_FILE = "token-secret"  # noqa: S105 -- a file name; the secret is random, in the data dir


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: who it was issued to, for which family, and when it stops working."""

    token_id: str
    rfc: str
    service: str
    certificate_sha256: str
    issued_at: float
    expires_at: float


class TokenIssuer:
    """Issues and reads tokens with an HMAC-SHA256 key kept in `data_dir/token-secret`."""

    def __init__(self, data_dir: Path) -> None:
        path = data_dir / _SECRET_FILE
        if not path.is_file():
            partial = path.with_name(path.name + ".partial")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(32))
            partial.replace(path)
        self._key = path.read_bytes()

    def __repr__(self) -> str:
        return "TokenIssuer(<secret hidden>)"

    def issue(self, claims: TokenClaims, certificate_number: str) -> str:
        header = _encode({"alg": "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "typ": "JWT"})
        payload = _encode(
            {
                "nbf": int(claims.issued_at),
                "exp": int(claims.expires_at),
                "iat": int(claims.issued_at),
                "iss": _ISSUER,
                "actort": certificate_number.encode().hex(),
                "jti": claims.token_id,
                "rfc": claims.rfc,
                "svc": claims.service,
                "crt": claims.certificate_sha256,
                "exf": claims.expires_at,
            }
        )
        signed = f"{header}.{payload}"
        return f"{signed}.{self._sign(signed)}{_SUBJECT_SEPARATOR}{certificate_number.encode().hex()}"

    def read(self, token: str) -> TokenClaims | None:
        """The token's claims if this sandbox issued it, else None (expiry is the caller's check)."""
        jwt = token.split(_SUBJECT_SEPARATOR, 1)[0]
        parts = jwt.split(".")
        if len(parts) != 3:
            return None
        signed = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._sign(signed), parts[2]):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
            return TokenClaims(
                token_id=str(payload["jti"]),
                rfc=str(payload["rfc"]),
                service=str(payload["svc"]),
                certificate_sha256=str(payload["crt"]),
                issued_at=float(payload["iat"]),
                expires_at=float(payload["exf"]),
            )
        except (KeyError, TypeError, ValueError, binascii.Error):
            return None

    def _sign(self, signed: str) -> str:
        digest = hmac.new(self._key, signed.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_from_authorization(header: str | None) -> str | None:
    """The token in `Authorization: WRAP access_token="<token>"`, or None."""
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    if scheme.upper() != "WRAP":
        return None
    name, _, value = rest.strip().partition("=")
    if name.strip() != "access_token":
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value or None


def _encode(document: dict[str, object]) -> str:
    raw = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
