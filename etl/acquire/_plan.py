"""What a partition (one RFC, one month) asks SAT: each switched-on service × direction × request type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from etl.acquire._periods import month_period, refresh_period
from etl.acquire._spec import RequestSpec
from etl.sat import Direction, RequestType, Service

__all__ = ["plan_partition"]


def plan_partition(
    rfc: str,
    month: date,
    now: datetime,
    *,
    services: Iterable[Service] = tuple(Service),
    directions: Iterable[Direction] = tuple(Direction),
    request_types: Iterable[RequestType] = tuple(RequestType),
    refresh_metadata: bool = False,
) -> list[RequestSpec]:
    """The root requests of a partition; none for a month of which no full day has passed yet.

    `now` is Mexico's wall-clock time (`etl.sat` dates are that clock). With `refresh_metadata`, a closed
    month's metadata is asked anew (today's `refresh_period`) to pick up late cancellations.
    """
    period = month_period(month, now)
    if period is None:
        return []
    refreshed = refresh_period(month, now) if refresh_metadata else None
    return [
        RequestSpec(
            rfc=rfc,
            service=service,
            direction=direction,
            request_type=request_type,
            start=period[0],
            end=(refreshed or period)[1] if request_type is RequestType.METADATA else period[1],
            month=month.replace(day=1),
        )
        for service in services
        for direction in directions
        for request_type in request_types
    ]
