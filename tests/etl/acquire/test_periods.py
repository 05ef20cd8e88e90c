from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from etl.acquire import PeriodTooSmallError, month_period, refresh_period, split_period

SECOND = timedelta(seconds=1)


def _covers_exactly(parts: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> None:
    assert parts[0][0] == start
    assert parts[-1][1] == end
    for (_, first_end), (second_start, _) in pairwise(parts):
        assert second_start == first_end + SECOND


def test_a_closed_month_is_asked_from_its_first_to_its_last_second() -> None:
    assert month_period(date(2024, 2, 1), datetime(2026, 1, 5, 12)) == (
        datetime(2024, 2, 1),
        datetime(2024, 2, 29, 23, 59, 59),
    )


def test_december_ends_on_new_years_eve() -> None:
    assert month_period(date(2025, 12, 1), datetime(2026, 3, 1)) == (
        datetime(2025, 12, 1),
        datetime(2025, 12, 31, 23, 59, 59),
    )


def test_the_current_month_is_asked_up_to_the_end_of_yesterday_so_reruns_the_same_day_ask_the_same() -> None:
    morning = month_period(date(2026, 11, 1), datetime(2026, 11, 21, 8))
    evening = month_period(date(2026, 11, 1), datetime(2026, 11, 21, 23))
    assert morning == evening == (datetime(2026, 11, 1), datetime(2026, 11, 20, 23, 59, 59))


def test_on_the_first_day_of_a_month_nothing_of_it_can_be_asked_yet() -> None:
    assert month_period(date(2026, 11, 1), datetime(2026, 11, 1, 15)) is None
    assert month_period(date(2026, 12, 1), datetime(2026, 11, 21)) is None


def test_a_month_splits_into_two_halves_on_a_day_boundary() -> None:
    start, end = datetime(2026, 1, 1), datetime(2026, 1, 31, 23, 59, 59)
    parts = split_period(start, end)
    assert parts == [(start, datetime(2026, 1, 15, 23, 59, 59)), (datetime(2026, 1, 16), end)]


def test_one_day_splits_on_hours_and_one_hour_on_seconds() -> None:
    day = (datetime(2026, 1, 1), datetime(2026, 1, 1, 23, 59, 59))
    assert split_period(*day)[1][0] == datetime(2026, 1, 1, 12)
    hour = (datetime(2026, 1, 1, 5), datetime(2026, 1, 1, 5, 59, 59))
    assert split_period(*hour) == [
        (datetime(2026, 1, 1, 5), datetime(2026, 1, 1, 5, 29, 59)),
        (datetime(2026, 1, 1, 5, 30), datetime(2026, 1, 1, 5, 59, 59)),
    ]


def test_repeated_splitting_always_covers_the_period_without_gaps_or_overlap() -> None:
    start, end = datetime(2026, 3, 1), datetime(2026, 3, 31, 23, 59, 59)
    parts = [(start, end)]
    for _ in range(12):
        longest = max(parts, key=lambda p: p[1] - p[0])
        index = parts.index(longest)
        parts[index : index + 1] = split_period(*longest)
        _covers_exactly(parts, start, end)
    assert len(parts) == 13


def test_a_one_second_period_cannot_be_split() -> None:
    moment = datetime(2026, 1, 1, 12)
    with pytest.raises(PeriodTooSmallError, match="one-second"):
        split_period(moment, moment)


def test_a_closed_months_metadata_reread_asks_something_new_each_day() -> None:
    monday = refresh_period(date(2026, 10, 1), datetime(2026, 11, 2, 9))
    tuesday = refresh_period(date(2026, 10, 1), datetime(2026, 11, 3, 9))
    assert monday == (datetime(2026, 10, 1), datetime(2026, 11, 1, 0, 0, 0))
    assert tuesday == (datetime(2026, 10, 1), datetime(2026, 11, 1, 0, 0, 1))
    assert refresh_period(date(2026, 10, 1), datetime(2026, 11, 2, 23)) == monday


def test_a_month_still_open_has_no_reread_of_its_own() -> None:
    assert refresh_period(date(2026, 11, 1), datetime(2026, 11, 21)) is None
    assert refresh_period(date(2026, 10, 1), datetime(2026, 11, 1, 8)) is None
