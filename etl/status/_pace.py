"""Time for the status client: an injectable clock, and the pace that spaces calls on a shared service."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "Pace", "SystemClock"]


class Clock(Protocol):
    """Where the client reads and spends time; tests pass one that advances instead of sleeping."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def utc_now(self) -> datetime: ...


class SystemClock:
    """The machine's clocks."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def utc_now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)


class Pace:
    """At most `calls_per_second` calls start per second, across every thread that shares the pace.

    Each caller books the next free slot under a lock and waits for it outside the lock, so threads
    waiting their turn do not hold each other up beyond the pace itself. 0 means no pacing.
    """

    def __init__(self, calls_per_second: float, clock: Clock) -> None:
        if calls_per_second < 0:
            raise ValueError("calls per second cannot be negative")
        self._interval = 0.0 if calls_per_second == 0 else 1.0 / calls_per_second
        self._clock = clock
        self._next: float | None = None
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        if self._interval == 0:
            return
        with self._lock:
            now = self._clock.monotonic()
            slot = now if self._next is None else max(now, self._next)
            self._next = slot + self._interval
        delay = slot - self._clock.monotonic()
        if delay > 0:
            self._clock.sleep(delay)
