"""Sync state and steps: the request ledger, the package store and the request/poll/download cycle.

Plain Python: no Dagster, no warehouse. `assets/` drives these steps; the CLI and tests can too.
"""

from etl.sync._home import SyncPaths, runtime_home
from etl.sync._ledger import Ledger, LedgerEntry, PackageRecord, RequestState
from etl.sync._periods import PeriodTooSmallError, month_period, split_period
from etl.sync._plan import plan_partition, status_filter
from etl.sync._sat_port import DownloadAnswer, SatPort, SubmitAnswer, VerifyAnswer
from etl.sync._spec import Direction, Family, RequestKind, RequestSpec
from etl.sync._steps import DownloadedPackage, PollReport, Problem, Sync, SyncConfig
from etl.sync._store import PackageStore, StoredPackage

__all__ = [
    "Direction",
    "DownloadAnswer",
    "DownloadedPackage",
    "Family",
    "Ledger",
    "LedgerEntry",
    "PackageRecord",
    "PackageStore",
    "PeriodTooSmallError",
    "PollReport",
    "Problem",
    "RequestKind",
    "RequestSpec",
    "RequestState",
    "SatPort",
    "StoredPackage",
    "SubmitAnswer",
    "Sync",
    "SyncConfig",
    "SyncPaths",
    "VerifyAnswer",
    "month_period",
    "plan_partition",
    "runtime_home",
    "split_period",
    "status_filter",
]
