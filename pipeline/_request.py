"""Step 1: the partition's requests, submitted to SAT or reused from the request ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from etl.acquire import plan_partition
from etl.sat import mexico_now
from pipeline._errors import StepError
from pipeline._log import Log, quiet
from pipeline._sat import sat_session
from pipeline._settings import Settings
from schemas import Partition

__all__ = ["Requested", "request"]


@dataclass(frozen=True, slots=True)
class Requested:
    requests: int  # the leaves that answer the partition (after any 5003 split)
    new_to_sat: int  # of those, asked of SAT in this step; the rest came from the ledger
    problems: tuple[str, ...]

    def figures(self) -> dict[str, int | str]:
        return {
            "requests": self.requests,
            "new_sat_requests": self.new_to_sat,
            "problems": "\n".join(self.problems) or "none",
        }


def request(
    settings: Settings,
    partition: Partition,
    *,
    refresh_metadata: bool = False,
    now: datetime | None = None,
    log: Log = quiet,
) -> Requested:
    """Every request the partition needs; with `refresh_metadata`, a closed month's metadata anew.

    Raises `StepError` when no request could be made at all; a problem with some of them is reported.
    """
    specs = plan_partition(
        partition.rfc,
        partition.month,
        now or mexico_now(),
        services=settings.services,
        directions=settings.directions,
        request_types=settings.request_types,
        refresh_metadata=refresh_metadata,
    )
    if not specs:
        log(f"{partition.month:%Y-%m} has no full day yet: nothing to ask SAT")
    with sat_session(settings, partition.rfc, log) as steps:
        sent_before = steps.ledger.sat_requests_sent()
        leaves = [leaf for spec in specs for leaf in steps.submit(spec)]
        sent = steps.ledger.sat_requests_sent() - sent_before
        problems = tuple(str(p) for p in steps.problems)
    log(f"{len(leaves)} request(s) for {partition}: {sent} new to SAT, the rest reused")
    if problems and not leaves:
        raise StepError("no request could be made:\n" + "\n".join(problems))
    return Requested(len(leaves), sent, problems)
