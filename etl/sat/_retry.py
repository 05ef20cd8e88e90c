"""Retrying SAT's transient failures: exponential backoff with jitter, bounded in attempts and in time."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from etl.sat._errors import (
    HttpStatusError,
    SatConnectionError,
    SatError,
    SatTimeoutError,
    SatUnavailableError,
)

__all__ = ["RetryPolicy", "is_transient"]

T = TypeVar("T")
_log = logging.getLogger("etl.sat")


def is_transient(error: SatError) -> bool:
    """Worth another try later: timeouts, connection failures, HTTP 5xx, CodEstatus 404 and 5006."""
    if isinstance(error, HttpStatusError):
        return error.status_code >= 500
    return isinstance(error, SatTimeoutError | SatConnectionError | SatUnavailableError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to insist: at most `attempts` calls, and no new try once `total_time` seconds have passed.

    The wait before try n+1 is `base_delay * 2**(n-1)`, capped at `max_delay`, times a random factor in
    [0.5, 1] so that many clients failing together do not come back together.
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    total_time: float = 300.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.total_time) < 0:
            raise ValueError("RetryPolicy delays and total time cannot be negative")

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after `failed_attempts` failures in a row."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (failed_attempts - 1))
        return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography

    def run(self, operation: str, call: Callable[[], T]) -> T:
        """`call()`, retried on transient `SatError`s; the last error is raised when the policy is spent."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except SatError as error:
                if not is_transient(error) or attempt >= self.attempts:
                    raise
                wait = self.delay(attempt)
                if time.monotonic() - started + wait > self.total_time:
                    _log.warning("SAT %s failed (%s); no retry: %.0f s limit reached", operation, error,
                                 self.total_time)  # fmt: skip
                    raise
                _log.warning(
                    "SAT %s failed (%s); retry %d of %d in %.2f s",
                    operation,
                    error,
                    attempt,
                    self.attempts - 1,
                    wait,
                )
                time.sleep(wait)
