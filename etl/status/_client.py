"""`StatusClient`: SAT's ConsultaCFDIService over HTTP, paced, bounded in concurrency, retried."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

import httpx

from etl.status._answer import StatusAnswer, UnreadableAnswerError, read_answer
from etl.status._envelope import CONSULTA_PATH, HEADERS, envelope
from etl.status._expression import DocumentRef, expression
from etl.status._pace import Clock, Pace, SystemClock

__all__ = ["SAT_STATUS_BASE_URL", "CheckResult", "StatusClient", "StatusRetry", "StatusServiceError"]

SAT_STATUS_BASE_URL = "https://consultaqr.facturaelectronica.sat.gob.mx"
_log = logging.getLogger("etl.status")
_TOO_MANY = 429


class StatusServiceError(Exception):
    """The service could not answer for one document; the message says why, for a person."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True, slots=True)
class StatusRetry:
    """At most `attempts` calls per document; before try n+1 wait `base_delay * 2**(n-1)` (capped at
    `max_delay`) times a random factor in [0.5, 1], so clients failing together do not return together."""

    attempts: int = 4
    base_delay: float = 2.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("StatusRetry.attempts must be at least 1")
        if min(self.base_delay, self.max_delay) < 0:
            raise ValueError("StatusRetry delays cannot be negative")

    def delay(self, failed_attempts: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (failed_attempts - 1))
        return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One document asked about: SAT's answer, or why there is none (`transient`: worth asking again
    later, e.g. the service was unreachable); `checked_at` is UTC."""

    ref: DocumentRef
    checked_at: datetime
    answer: StatusAnswer | None = None
    error: str | None = None
    transient: bool = False


class StatusClient:
    """One client for the status service at `base_url` (SAT's by default; the sandbox's `B/consulta`).

    Every call waits its turn on the pace (default one call a second, shared by all threads of this
    client), at most `concurrency` calls are in flight, and transient failures (timeouts, connection
    errors, HTTP 429 and 5xx) are retried with backoff. `transport` replaces httpx's network transport
    and `clock` the machine's clocks (tests).
    """

    def __init__(
        self,
        base_url: str = SAT_STATUS_BASE_URL,
        *,
        calls_per_second: float = 1.0,
        concurrency: int = 2,
        timeout: float = 45.0,
        retry: StatusRetry | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.url = base_url.rstrip("/") + CONSULTA_PATH
        self.concurrency = concurrency
        self._clock = clock or SystemClock()
        self._pace = Pace(calls_per_second, self._clock)
        self._retry = retry or StatusRetry()
        self._http = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)

    def __enter__(self) -> StatusClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call_once(self, body: bytes) -> StatusAnswer:
        self._pace.wait_turn()
        try:
            response = self._http.post(self.url, content=body, headers=HEADERS)
        except httpx.TimeoutException:
            raise StatusServiceError(f"no answer from {self.url} in time", transient=True) from None
        except httpx.TransportError as error:
            raise StatusServiceError(f"cannot reach {self.url}: {error}", transient=True) from None
        transient = response.status_code == _TOO_MANY or response.status_code >= 500
        try:
            return read_answer(response.content)
        except UnreadableAnswerError as error:
            raise StatusServiceError(
                f"{self.url} answered HTTP {response.status_code}: {error}", transient=transient
            ) from None

    def check(self, ref: DocumentRef) -> StatusAnswer:
        """SAT's answer for one document; StatusServiceError when it could not be had."""
        body = envelope(expression(ref))
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._call_once(body)
            except StatusServiceError as error:
                if not error.transient or attempt >= self._retry.attempts:
                    raise
                wait_for = self._retry.delay(attempt)
                _log.warning("status of %s: %s; retry %d in %.1f s", ref.uuid, error, attempt, wait_for)
                self._clock.sleep(wait_for)

    def _result(self, ref: DocumentRef) -> CheckResult:
        try:
            answer = self.check(ref)
        except StatusServiceError as error:
            return CheckResult(ref, self._clock.utc_now(), error=str(error), transient=error.transient)
        return CheckResult(ref, self._clock.utc_now(), answer=answer)

    def check_many(self, refs: Iterable[DocumentRef]) -> Iterator[CheckResult]:
        """Every document's result, as they complete; a document that fails does not stop the others."""
        pending: set[Future[CheckResult]] = set()
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="sat-status") as pool:
            try:
                for ref in refs:
                    pending.add(pool.submit(self._result, ref))
                    if len(pending) >= 2 * self.concurrency:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        yield from (future.result() for future in done)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            finally:
                # A caller that stops reading (the service is down) does not wait for calls not started.
                for future in pending:
                    future.cancel()
