"""Acquiring from SAT: what to ask (plan), what was asked (ledger), what SAT gave (store), the cycle.

Plain Python: no Dagster, no warehouse. The request/poll/download cycle goes through a `SatPort`, so it runs
against SAT, the sandbox or a fake alike.
"""

from etl.acquire._lease import LeaseHeldError, LeaseOwner, RfcLease
from etl.acquire._ledger import Ledger, LedgerEntry, PackageRecord, RequestState
from etl.acquire._periods import (
    PeriodTooSmallError,
    month_bounds,
    month_period,
    refresh_period,
    split_period,
    successor_period,
)
from etl.acquire._plan import plan_partition
from etl.acquire._requests import PackageCounts, RequestFilter, RequestRecord, find_request, list_requests
from etl.acquire._sat_client import SatClientPort
from etl.acquire._sat_port import DownloadAnswer, SatPort, SubmitAnswer, VerifyAnswer
from etl.acquire._spec import RequestSpec
from etl.acquire._steps import DownloadedPackage, PollReport, Problem, Sync, SyncConfig
from etl.acquire._store import DamagedPackageError, IncomingPackage, PackageStore, StoredPackage

__all__ = [
    "DamagedPackageError",
    "DownloadAnswer",
    "DownloadedPackage",
    "IncomingPackage",
    "LeaseHeldError",
    "LeaseOwner",
    "Ledger",
    "LedgerEntry",
    "PackageCounts",
    "PackageRecord",
    "PackageStore",
    "PeriodTooSmallError",
    "PollReport",
    "Problem",
    "RequestFilter",
    "RequestRecord",
    "RequestSpec",
    "RequestState",
    "RfcLease",
    "SatClientPort",
    "SatPort",
    "StoredPackage",
    "SubmitAnswer",
    "Sync",
    "SyncConfig",
    "VerifyAnswer",
    "find_request",
    "list_requests",
    "month_bounds",
    "month_period",
    "plan_partition",
    "refresh_period",
    "split_period",
    "successor_period",
]
