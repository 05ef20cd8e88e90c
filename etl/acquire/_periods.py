"""Periods: a partition's month as SAT periods, and splitting a period SAT found too large (5003)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

__all__ = [
    "PeriodTooSmallError",
    "month_bounds",
    "month_period",
    "refresh_period",
    "split_period",
    "successor_period",
]

_SECOND = timedelta(seconds=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


class PeriodTooSmallError(ValueError):
    """SAT says a one-second period holds too many documents: nothing left to split."""


def month_period(month: date, now: datetime) -> tuple[datetime, datetime] | None:
    """The inclusive period SAT is asked for a month, or None when none of it has passed yet.

    The current month ends at the last second of yesterday, so that every run on the same day asks SAT
    the very same question (the ledger then reuses it) and a new day asks for the new documents.
    """
    start, following = month_bounds(month)
    today = datetime(now.year, now.month, now.day)
    end = min(following, today) - _SECOND
    return (start, end) if start < end else None


def refresh_period(month: date, now: datetime) -> tuple[datetime, datetime] | None:
    """A new question about a closed month's metadata, to see cancellations that arrived since.

    SAT answers the same parameters only a couple of times in a lifetime, so each day's re-read must ask
    something different: the month's period ends one second later per day since the month closed. Those
    few seconds of the next month are dropped when the metadata is staged (they belong to that month).
    None for a month that is not closed yet (its own request already reaches yesterday).
    """
    start, following = month_bounds(month)
    today = datetime(now.year, now.month, now.day)
    if following >= today:
        return None
    return start, following - _SECOND + (today - following).days * _SECOND


def successor_period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The same documents asked with parameters SAT does not consider identical: the end one second later.

    As `refresh_period` does each day. The extra second belongs to the following period: staged metadata
    keeps the partition's month only, and a document the second brings twice is loaded once.
    """
    return start, end + _SECOND


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's first moment."""
    start = datetime(month.year, month.month, 1)
    return start, datetime(month.year + month.month // 12, month.month % 12 + 1, 1)


def split_period(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Halve an inclusive period on the coarsest boundary that splits it: days, then hours, then seconds.

    The halves cover the period exactly, without overlap, so no document is lost or asked twice.
    """
    span = end - start + _SECOND
    if span <= _SECOND:
        raise PeriodTooSmallError(f"cannot split the one-second period at {start}")
    for unit in (_DAY, _HOUR, _SECOND):
        if span > unit:
            middle = start + (span // unit // 2) * unit
            middle = _floor(middle, unit)
            if start < middle <= end:
                return [(start, middle - _SECOND), (middle, end)]
    raise AssertionError("unreachable: a period longer than a second always splits on seconds")


def _floor(moment: datetime, unit: timedelta) -> datetime:
    if unit == _DAY:
        return moment.replace(hour=0, minute=0, second=0)
    if unit == _HOUR:
        return moment.replace(minute=0, second=0)
    return moment
