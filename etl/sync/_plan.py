"""What a partition (one RFC, one month) asks SAT: each switched-on service × direction × request type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from etl.sat import Direction, RequestType, Service
from etl.sync._periods import month_period
from etl.sync._spec import RequestSpec

__all__ = ["plan_partition"]


def plan_partition(
    rfc: str,
    month: date,
    now: datetime,
    *,
    services: Iterable[Service] = tuple(Service),
    directions: Iterable[Direction] = tuple(Direction),
    request_types: Iterable[RequestType] = tuple(RequestType),
) -> list[RequestSpec]:
    """The root requests of a partition; none for a month of which no full day has passed yet.

    `now` is Mexico's wall-clock time (`etl.sat` dates are that clock).
    """
    period = month_period(month, now)
    if period is None:
        return []
    start, end = period
    return [
        RequestSpec(
            rfc=rfc,
            service=service,
            direction=direction,
            request_type=request_type,
            start=start,
            end=end,
            month=month.replace(day=1),
        )
        for service in services
        for direction in directions
        for request_type in request_types
    ]
