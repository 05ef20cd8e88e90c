"""Step 2: wait (a bounded time) until SAT has finished every request of the partition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from etl.acquire import Ledger, RequestState
from pipeline._errors import StepError
from pipeline._log import Log, quiet
from pipeline._sat import sat_session
from pipeline._settings import Settings
from schemas import Partition

__all__ = ["Polled", "poll", "wait", "waiting_partitions"]


@dataclass(frozen=True, slots=True)
class Polled:
    """Where SAT stands with a partition's requests after polling them."""

    finished: int
    empty: int
    pending: int
    stuck: int
    unusable: int
    documents: int  # NumeroCFDIs SAT reported for the finished requests
    problems: tuple[str, ...]
    last_answer: datetime | None  # when SAT last finished one of them (names the sensor's run)

    @property
    def ready(self) -> bool:
        """Every request is finished or empty: the downloads can start."""
        return not self.pending and not self.unusable

    def figures(self) -> dict[str, int | str]:
        return {
            "finished": self.finished,
            "empty": self.empty,
            "documents_reported_by_sat": self.documents,
            "problems": "\n".join(self.problems) or "none",
        }


def poll(
    settings: Settings, partition: Partition, *, wait_seconds: float | None = None, log: Log = quiet
) -> Polled:
    """Ask SAT about the partition's unfinished requests for up to `wait_seconds` (the settings' wait)."""
    with sat_session(settings, partition.rfc, log) as steps:
        report = steps.poll(steps.ledger.partition_leaves(partition.rfc, partition.month), wait_seconds)
        problems = tuple(str(p) for p in steps.problems)
    done = report.finished + report.empty
    return Polled(
        finished=len(report.finished),
        empty=len(report.empty),
        pending=len(report.pending),
        stuck=len(report.stuck),
        unusable=len(report.unusable),
        documents=sum(e.number_cfdis or 0 for e in report.finished),
        problems=problems,
        last_answer=max((e.updated_at for e in done), default=None),
    )


def wait(settings: Settings, partition: Partition, *, log: Log = quiet) -> Polled:
    """`poll`, judged: still pending is not an error (the sensor waits longer); stuck or unusable is."""
    polled = poll(settings, partition, log=log)
    if polled.pending:
        log(
            f"SAT says {polled.pending} request(s) still in process after {settings.poll_wait_seconds:g} s; "
            "the `sat_pending_requests` sensor starts the rest of this partition when SAT is done"
        )
        if polled.stuck:
            raise StepError("requests stuck at SAT:\n" + "\n".join(polled.problems))
        return polled
    if polled.unusable:
        raise StepError(
            "SAT could not complete every request of this partition; nothing was loaded for it:\n"
            + "\n".join(polled.problems)
        )
    log(
        f"SAT finished {polled.finished} request(s) with {polled.documents:,} documents; "
        f"{polled.empty} had no documents"
    )
    return polled


def waiting_partitions(settings: Settings) -> list[Partition]:
    """The partitions with a request SAT has not finished, oldest first per RFC (read from the ledger)."""
    with Ledger(settings.paths.ledger) as ledger:
        pending = ledger.in_state(RequestState.SUBMITTED)
    return sorted({Partition(e.spec.rfc, e.spec.month) for e in pending}, key=lambda p: (p.rfc, p.month))
