"""What a partition (one RFC, one month) asks SAT: each switched-on family × direction × content."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from etl.sync._periods import month_period
from etl.sync._spec import Direction, Family, RequestKind, RequestSpec

__all__ = ["plan_partition", "status_filter"]


def status_filter(direction: Direction, kind: RequestKind) -> str:
    """EstadoComprobante, always sent explicitly (SAT assumes Vigente when it is left out).

    Metadata is asked with `Todos` because cancellations appear only there; received XML can only be asked
    `Vigente` (SAT answers 301 otherwise).
    """
    if kind is RequestKind.XML and direction is Direction.RECIBIDOS:
        return "Vigente"
    return "Todos"


def plan_partition(
    rfc: str,
    month: date,
    now: datetime,
    *,
    families: Iterable[Family] = tuple(Family),
    directions: Iterable[Direction] = tuple(Direction),
    kinds: Iterable[RequestKind] = tuple(RequestKind),
) -> list[RequestSpec]:
    """The root requests of a partition; none for a month that has not started (before its first full day)."""
    period = month_period(month, now)
    if period is None:
        return []
    start, end = period
    return [
        RequestSpec(
            rfc=rfc.upper(),
            family=family,
            direction=direction,
            kind=kind,
            start=start,
            end=end,
            status=status_filter(direction, kind),
            month=month.replace(day=1),
        )
        for family in families
        for direction in directions
        for kind in kinds
    ]
