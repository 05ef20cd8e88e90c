"""The RFC lease: one holder at a time, waited for within a bound, never held by a dead or silent owner."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from etl.acquire import LeaseHeldError, LeaseOwner, RfcLease

RFC = "AAA010101AAA"


class _Clock:
    """Time that moves only when the waiting code sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def lease(tmp_path: Path) -> Iterator[RfcLease]:
    with RfcLease(tmp_path / "ledger.sqlite") as lease:
        yield lease


def test_a_second_owner_is_refused_after_the_wait_and_told_who_holds_the_rfc(lease: RfcLease) -> None:
    first, second = LeaseOwner.here("run-1"), LeaseOwner("other-host", 4242, "run-2")
    clock, said = _Clock(), list[str]()
    with (
        lease.hold(RFC, second, wait_seconds=5, say=said.append),
        pytest.raises(LeaseHeldError) as held,
        lease.hold(RFC, first, wait_seconds=5, say=said.append, clock=clock, sleep=clock.sleep),
    ):
        pass
    assert "run run-2 (process 4242 on other-host)" in str(held.value)
    assert "CFDI_ETL_RFC_LEASE_WAIT_SECONDS" in str(held.value)
    assert clock.now >= 5
    assert len(said) == 1
    assert "waiting for run run-2" in said[0]


def test_the_lease_is_free_again_when_its_holder_leaves_the_block(lease: RfcLease) -> None:
    with lease.hold(RFC, LeaseOwner("h", 1, "run-1"), wait_seconds=0, say=print):
        assert lease.holder(RFC) is not None
    assert lease.holder(RFC) is None
    with lease.hold(RFC, LeaseOwner("h", 2, "run-2"), wait_seconds=0, say=print):
        holder = lease.holder(RFC)
        assert holder is not None
        assert holder[0].run == "run-2"


def test_a_holder_whose_process_is_gone_holds_nothing(lease: RfcLease) -> None:
    dead = LeaseOwner(socket.gethostname(), _dead_pid(), "killed-run")
    assert lease.try_acquire(RFC, dead) == (True, None)
    assert lease.holder(RFC) is None
    with lease.hold(RFC, LeaseOwner.here("next-run"), wait_seconds=0, say=print):
        holder = lease.holder(RFC)
        assert holder is not None
        assert holder[0].run == "next-run"


def test_a_holder_that_stops_renewing_loses_the_lease_at_its_expiry(tmp_path: Path) -> None:
    lease = RfcLease(tmp_path / "ledger.sqlite", ttl=timedelta(seconds=-1))  # expired as soon as taken
    assert lease.try_acquire(RFC, LeaseOwner("far-host", 7, "silent-run")) == (True, None)
    assert lease.holder(RFC) is None


def test_the_holders_own_process_or_run_passes_through_without_taking_it_twice(lease: RfcLease) -> None:
    outer = LeaseOwner.here("cli-1")
    with lease.hold(RFC, outer, wait_seconds=0, say=print):
        with lease.hold(RFC, LeaseOwner.here("dagster-run"), wait_seconds=0, say=print):
            pass
        holder = lease.holder(RFC)  # the inner block gave nothing back
        assert holder is not None
        assert holder[0] == outer
        assert lease.try_acquire(RFC, LeaseOwner("step-host", 99, "cli-1")) == (False, None)


def test_other_rfcs_are_not_held(lease: RfcLease) -> None:
    with (
        lease.hold(RFC, LeaseOwner("h", 1, "run-1"), wait_seconds=0, say=print),
        lease.hold("BBB010101BBB", LeaseOwner("h", 2, "run-2"), wait_seconds=0, say=print),
    ):
        assert lease.holder("BBB010101BBB") is not None
