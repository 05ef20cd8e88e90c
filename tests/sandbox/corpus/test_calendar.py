"""A time range maps to an index range that never loses a document, whatever the volume."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from sandbox.corpus._calendar import Month


@pytest.mark.parametrize("count", [1, 7, 20_000, 200_000, 5_000_000])
def test_index_bounds_hold_every_document_issued_within_the_range(count: int) -> None:
    month = Month.parse("2025-02")
    r = random.Random(count)
    for _ in range(300):
        index = r.randrange(count)
        jitter = r.random()
        moment = month.instant(index, count, jitter)
        assert month.start <= moment < month.end - timedelta(hours=1)
        for probe in (moment, moment - timedelta(seconds=1), moment + timedelta(seconds=1)):
            low = month.first_index_at_or_after(probe, count)
            high = month.last_index_at_or_before(probe, count)
            if moment >= probe:
                assert index >= low
            if moment <= probe:
                assert index < high


def test_instants_never_decrease_with_the_index() -> None:
    month = Month.parse("2024-12")
    moments = [month.instant(i, 1000, (i * 7919 % 1000) / 1000) for i in range(1000)]
    assert moments == sorted(moments)
    assert moments[0] >= datetime(2024, 12, 1)
    assert moments[-1] < datetime(2025, 1, 1)


@pytest.mark.parametrize("text", ["2025-13", "2025-1", "25-01", ""])
def test_a_month_must_be_written_year_dash_month(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(text)
