"""Where the status service is and how hard to use it, from the environment (`CFDI_ETL_STATUS_*`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from etl.status._client import SAT_STATUS_BASE_URL, StatusClient, StatusRetry

__all__ = ["StatusSettings"]

# The sandbox's layout: one base URL B serves the bulk download at B/cfdi/... and the status at B/consulta.
_SANDBOX_SUFFIX = "/consulta"


@dataclass(frozen=True, slots=True)
class StatusSettings:
    """`base_url`: SAT's unless `CFDI_ETL_STATUS_BASE_URL` says otherwise, or, when only
    `CFDI_ETL_SAT_BASE_URL` points at a sandbox-like server B, `B/consulta`. `months`: how many months
    back (this one included) the scheduled check looks for documents whose state can still change.
    `attempts`: calls per document before giving up on it (transient failures only)."""

    base_url: str = SAT_STATUS_BASE_URL
    calls_per_second: float = 1.0
    concurrency: int = 2
    timeout_seconds: float = 45.0
    attempts: int = 4
    months: int = 3

    def __post_init__(self) -> None:
        if self.calls_per_second < 0:
            raise ValueError("CFDI_ETL_STATUS_CALLS_PER_SECOND cannot be negative (0: no pacing)")
        if self.concurrency < 1:
            raise ValueError("CFDI_ETL_STATUS_CONCURRENCY must be at least 1")
        if self.timeout_seconds <= 0:
            raise ValueError("CFDI_ETL_STATUS_TIMEOUT_SECONDS must be positive")
        if self.attempts < 1:
            raise ValueError("CFDI_ETL_STATUS_ATTEMPTS must be at least 1")
        if self.months < 1:
            raise ValueError("CFDI_ETL_STATUS_MONTHS must be at least 1")

    def client(self) -> StatusClient:
        """A client with these settings."""
        return StatusClient(
            self.base_url,
            calls_per_second=self.calls_per_second,
            concurrency=self.concurrency,
            timeout=self.timeout_seconds,
            retry=StatusRetry(attempts=self.attempts),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StatusSettings:
        base = env.get("CFDI_ETL_STATUS_BASE_URL", "")
        if not base and env.get("CFDI_ETL_SAT_BASE_URL"):
            base = env["CFDI_ETL_SAT_BASE_URL"].rstrip("/") + _SANDBOX_SUFFIX
        return cls(
            base_url=base or SAT_STATUS_BASE_URL,
            calls_per_second=_number(env, "CFDI_ETL_STATUS_CALLS_PER_SECOND", 1.0),
            concurrency=int(_number(env, "CFDI_ETL_STATUS_CONCURRENCY", 2)),
            timeout_seconds=_number(env, "CFDI_ETL_STATUS_TIMEOUT_SECONDS", 45.0),
            attempts=int(_number(env, "CFDI_ETL_STATUS_ATTEMPTS", 4)),
            months=int(_number(env, "CFDI_ETL_STATUS_MONTHS", 3)),
        )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "")
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number") from None
