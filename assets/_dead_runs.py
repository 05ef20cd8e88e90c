"""Dead runs never hold anything: runs marked started whose process is gone are failed, their slots freed.

A run killed hard (kill -9, the OOM killer) stays marked started in the Dagster instance, and any pool
slot it claimed stays claimed. Every command that launches runs calls `fail_dead_runs` first, and so does
the `sat_pending_requests` sensor; the daemon's own run monitoring (dagster.yaml) covers the runs it
launched. The warehouse writers take no pool slot: they wait for DuckDB's file lock, which the operating
system frees with the process that held it (see `assets._assets`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import dagster as dg

__all__ = ["HOST_TAG", "PID_TAG", "fail_dead_runs", "run_tags"]

HOST_TAG = "cfdi_etl/host"
PID_TAG = "cfdi_etl/pid"


def run_tags() -> dict[str, str]:
    """The tags naming this process, so a later command can tell when a run's process is gone."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _started_after(pid: int, timestamp: float) -> bool:
    """True when process `pid` started after `timestamp` (so it is not the run's process, reused)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        booted = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
    except (OSError, StopIteration, IndexError, ValueError):
        return False  # not Linux, or gone meanwhile: trust the pid alone
    return booted + int(fields[19]) / os.sysconf("SC_CLK_TCK") > timestamp + 1


def _alive(pid: int, since: float) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _started_after(pid, since)


def _process(instance: dg.DagsterInstance, record: dg.RunRecord) -> tuple[str, int] | None:
    """(host, pid) of a run's process: its tags, else the pid its start event was written from."""
    tags = record.dagster_run.tags
    if PID_TAG in tags:
        return tags.get(HOST_TAG, socket.gethostname()), int(tags[PID_TAG])
    events = instance.get_records_for_run(
        record.dagster_run.run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    event = events[0].event_log_entry.dagster_event if events else None
    if event is None or event.pid is None:
        return None
    return socket.gethostname(), event.pid  # a local SQLite instance: its runs run on this host


def fail_dead_runs(instance: dg.DagsterInstance, say: Callable[[str], None]) -> list[str]:
    """Fail every run marked started whose process is gone from this host; free the pool slots of every
    run that is not running any more. Returns the run ids failed."""
    failed: list[str] = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        process = _process(instance, record)
        since = (record.start_time or record.create_timestamp.timestamp()) if process else 0.0
        if process is None or process[0] != socket.gethostname() or _alive(process[1], since):
            continue
        run = record.dagster_run
        instance.report_run_failed(
            run, f"its process {process[1]} is gone (killed?); failed by a later command"
        )
        failed.append(run.run_id)
        say(f"run {run.run_id} ({run.tags.get('dagster/partition', run.job_name)}) had died; marked failed")
    storage = instance.event_log_storage
    for run_id in storage.get_concurrency_run_ids():
        holder = instance.get_run_by_id(run_id)
        if holder is None or holder.is_finished:
            storage.free_concurrency_slots_for_run(run_id)
    return failed
