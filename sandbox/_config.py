"""`SandboxConfig`: everything that shapes one sandbox instance, with SAT's values as defaults where known."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sandbox._faults import FaultRule

__all__ = ["SandboxConfig"]

_HOURS = 3600.0


@dataclass(frozen=True)
class SandboxConfig:
    """One sandbox: where its state lives, what it serves, how fast it moves, and how it misbehaves.

    - `data_dir`: state (requests, packages, tokens' secret, the test CA); reused across restarts.
    - `ca_dir`: where the test CA lives, if not `data_dir/ca` (several sandboxes can share one).
    - `seed`, `rfcs`, `documents_per_month`: the synthetic corpus served (see `sandbox.corpus`);
      `documents_per_month=None` keeps the corpus's own default.
    - `accepted_seconds`, `in_progress_seconds`: how long a request stays in state 1 then 2 before 3.
    - `token_lifetime_seconds`: Autentica's token lifetime (SAT: 5 minutes).
    - `package_expiry_seconds`: how long packages can be downloaded after the request finished (SAT: 72 h).
    - `download_limit`: downloads per package (SAT: 2, then 5008).
    - `lifetime_request_limit`: requests with the same parameters, ever (then 5002).
    - `max_xml_documents`, `max_metadata_records`: SAT's "tope máximo" per request (then 5003).
    - `documents_per_package`: above this, the answer is split into several packages.
    - `clock_skew_seconds`: how far in the future an Autentica Timestamp may start.
    - `faults`: fault rules active from the start (more can be injected at runtime).
    """

    data_dir: Path
    ca_dir: Path | None = None
    seed: int = 0
    rfcs: tuple[str, ...] = ("EKU9003173C9",)
    documents_per_month: int | None = None
    accepted_seconds: float = 1.0
    in_progress_seconds: float = 1.0
    token_lifetime_seconds: float = 300.0
    package_expiry_seconds: float = 72 * _HOURS
    download_limit: int = 2
    lifetime_request_limit: int = 2
    max_xml_documents: int = 200_000
    max_metadata_records: int = 1_000_000
    documents_per_package: int = 10_000
    clock_skew_seconds: float = 60.0
    host: str = "127.0.0.1"
    port: int = 0
    faults: tuple[FaultRule, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the sandbox serves loopback only, not {self.host!r}")
        for name in (
            "accepted_seconds",
            "in_progress_seconds",
            "token_lifetime_seconds",
            "package_expiry_seconds",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("download_limit", "lifetime_request_limit", "documents_per_package"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
