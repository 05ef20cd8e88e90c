"""Where the status service is and how hard to use it (`pipeline.Settings` reads `CFDI_ETL_STATUS_*`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from etl.status._client import SAT_STATUS_BASE_URL, StatusClient, StatusRetry

__all__ = ["StatusSettings"]

# The sandbox's layout: one base URL B serves the bulk download at B/cfdi/... and the status at B/consulta.
_SANDBOX_SUFFIX = "/consulta"


@dataclass(frozen=True, slots=True)
class StatusSettings:
    """`base_url`: `CFDI_ETL_STATUS_BASE_URL`; empty, the service follows the bulk download's base URL
    (`following`), SAT's by default. `months`: how many months back (this one included) the scheduled
    check looks for documents whose state can still change. `attempts`: calls per document before giving
    up on it (transient failures only)."""

    base_url: str = ""
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

    def following(self, sat_base_url: str) -> StatusSettings:
        """These settings with the service decided: `base_url` when given; else, when the bulk download
        goes to a sandbox-like server B (`CFDI_ETL_SAT_BASE_URL`), `B/consulta`; else SAT's."""
        if self.base_url:
            return self
        if sat_base_url:
            return replace(self, base_url=sat_base_url.rstrip("/") + _SANDBOX_SUFFIX)
        return replace(self, base_url=SAT_STATUS_BASE_URL)

    def client(self) -> StatusClient:
        """A client with these settings (SAT's service when no `base_url` was decided)."""
        return StatusClient(
            self.base_url or SAT_STATUS_BASE_URL,
            calls_per_second=self.calls_per_second,
            concurrency=self.concurrency,
            timeout=self.timeout_seconds,
            retry=StatusRetry(attempts=self.attempts),
        )
