"""Dead runs never hold anything: runs marked started whose process is gone are failed, their slots freed.

A run killed hard (kill -9, the OOM killer) inside a `duckdb_writer` step never gives its pool slot back,
and Dagster's in-process executor then waits for it forever. Every command that launches runs calls
`fail_dead_runs` first, and `watch_run_waits` while a run waits for a slot, so a dead holder is cleared and
a live one is named. The daemon's own run monitoring (dagster.yaml) covers the runs it launched.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

__all__ = ["HOST_TAG", "PID_TAG", "WRITER_POOL", "fail_dead_runs", "run_tags", "watch_run_waits"]

WRITER_POOL = "duckdb_writer"
HOST_TAG = "cfdi_etl/host"
PID_TAG = "cfdi_etl/pid"
_EXIT_INTERRUPTED = 130
_LOOK_EVERY_SECONDS = 1.0
_LOOKS_TO_WAIT = 2


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


def _holders(instance: dg.DagsterInstance, pool: str, besides: str | None) -> list[str]:
    """The runs holding `pool`'s slots (other than `besides`), described for a person."""
    info = instance.event_log_storage.get_concurrency_info(pool)
    described = []
    for slot in info.claimed_slots:
        if slot.run_id == besides:
            continue
        run = instance.get_run_by_id(slot.run_id)
        where = f", process {run.tags[PID_TAG]}" if run and PID_TAG in run.tags else ""
        partition = f" {run.tags['dagster/partition']}" if run and "dagster/partition" in run.tags else ""
        described.append(f"run {slot.run_id}{partition} ({slot.step_key}{where})")
    return described


def _waiting_run(instance: dg.DagsterInstance, pool: str) -> str | None:
    """This process's run waiting for a slot of `pool`, if one is."""
    pid = str(os.getpid())
    for step in instance.event_log_storage.get_concurrency_info(pool).pending_steps:
        run = instance.get_run_by_id(step.run_id)
        if run is not None and run.tags.get(PID_TAG) == pid and not run.is_finished:
            return step.run_id
    return None


@contextmanager
def watch_run_waits(instance: dg.DagsterInstance, say: Callable[[str], None]) -> Iterator[None]:
    """While the block runs a Dagster run in this process: say which run holds the writer slot it waits
    for, fail that holder if its process dies meanwhile, and end the command on Ctrl-C or SIGTERM.

    Dagster's in-process executor holds back interrupts until its current step ends, and a step waiting
    for a slot never ends; nothing is being written while it waits, so ending the process then is safe.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # A signal's number is written to this socket whatever handler Dagster installed for it.
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(instance, say, reader, stop), daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()


def _watch(
    instance: dg.DagsterInstance, say: Callable[[str], None], signals: socket.socket, stop: threading.Event
) -> None:
    said: list[str] | None = None
    interrupted = False
    looks = 0  # consecutive looks that found this process's run waiting for a slot held by another
    while not stop.is_set():
        ready, _, _ = select.select([signals], [], [], _LOOK_EVERY_SECONDS)
        if ready:
            received = signals.recv(64)
            interrupted = interrupted or any(s in (signal.SIGINT, signal.SIGTERM) for s in received)
        waiting = _waiting_run(instance, WRITER_POOL)
        holders = _holders(instance, WRITER_POOL, besides=waiting) if waiting else []
        # A step of this run waits an instant for the slot its previous step is giving back: not a wait.
        looks = looks + 1 if holders else 0
        if not holders:
            said, interrupted = None, False  # a step runs: Dagster itself stops at the interrupt
        if looks < _LOOKS_TO_WAIT:
            continue
        assert waiting is not None
        if interrupted:
            run = instance.get_run_by_id(waiting)
            if run is not None:
                instance.report_run_canceled(run, "interrupted while waiting for the warehouse writer slot")
            instance.event_log_storage.free_concurrency_slots_for_run(waiting)
            say("interrupted while waiting for the warehouse writer slot; nothing was written: run again")
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(_EXIT_INTERRUPTED)
        if fail_dead_runs(instance, say):
            continue
        if holders != said:
            held_by = "; ".join(holders)
            say(f"waiting for the warehouse writer slot ({WRITER_POOL}), held by {held_by}. Ctrl-C to stop")
            said = holders
