"""Months, and where in its month each document falls."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Month", "month_of", "months_between"]

_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, counted as `year * 12 + month - 1` so that arithmetic is plain integers."""

    ordinal: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH_TEXT.match(text)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"month must be written YYYY-MM, got {text!r}")
        return cls(int(match.group(1)) * 12 + int(match.group(2)) - 1)

    @property
    def year(self) -> int:
        return self.ordinal // 12

    @property
    def number(self) -> int:
        return self.ordinal % 12 + 1

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.number, 1)

    @property
    def end(self) -> datetime:
        """The first instant of the next month (exclusive)."""
        return (self + 1).start

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    def __add__(self, months: int) -> Month:
        return Month(self.ordinal + months)

    def __sub__(self, months: int) -> Month:
        return Month(self.ordinal - months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    def instant(self, index: int, count: int, jitter: float) -> datetime:
        """When document `index` of `count` was issued: non-decreasing in `index`, so a time range is an
        index range. Each document gets its own slice of the month, offset by `jitter` in [0, 1).
        The last two hours of the month are kept free so that a stamp never falls in the next month."""
        usable = self.seconds - 7200
        offset = int((index + jitter) * usable / count)
        return self.start + timedelta(seconds=offset)

    def first_index_at_or_after(self, moment: datetime, count: int) -> int:
        """The smallest index whose slice can hold an instant >= `moment` (a lower bound, exact to one)."""
        if moment <= self.start:
            return 0
        usable = self.seconds - 7200
        seconds = (moment - self.start).total_seconds()
        return max(0, min(count, int(seconds * count / usable) - 1))

    def last_index_at_or_before(self, moment: datetime, count: int) -> int:
        """One past the largest index whose slice can hold an instant <= `moment` (an upper bound)."""
        if moment >= self.end:
            return count
        usable = self.seconds - 7200
        seconds = (moment - self.start).total_seconds()
        # Instants are whole seconds: every index whose slice starts at or before `moment`'s second.
        return max(0, min(count, int((seconds + 1) * count / usable) + 2))


def month_of(moment: datetime) -> Month:
    return Month(moment.year * 12 + moment.month - 1)


def months_between(start: datetime, end: datetime) -> list[Month]:
    """Every month that overlaps the inclusive range `[start, end]`."""
    first, last = month_of(start), month_of(end)
    return [Month(ordinal) for ordinal in range(first.ordinal, last.ordinal + 1)]
