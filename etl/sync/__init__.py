"""Sync state and steps: the request ledger, the package store and the request/poll/download cycle.

Plain Python: no Dagster, no warehouse. `assets/` drives these steps; the CLI and tests can too.
"""

from etl.sync._checks import (
    CountMismatch,
    count_mismatches,
    duplicate_uuids,
    missing_xml,
    unbalanced_documents,
)
from etl.sync._home import SyncPaths
from etl.sync._ledger import Ledger, LedgerEntry, PackageRecord, RequestState
from etl.sync._periods import PeriodTooSmallError, month_period, refresh_period, split_period
from etl.sync._plan import plan_partition
from etl.sync._registry import FielLocation, RfcRegistry, default_password_variable
from etl.sync._sat_client import SatClientPort
from etl.sync._sat_port import DownloadAnswer, SatPort, SubmitAnswer, VerifyAnswer
from etl.sync._spec import RequestSpec
from etl.sync._staging import Stage, StagedPackage, StagingError, stage_partition, stage_root
from etl.sync._steps import DownloadedPackage, PollReport, Problem, Sync, SyncConfig
from etl.sync._store import PackageStore, StoredPackage

__all__ = [
    "CountMismatch",
    "DownloadAnswer",
    "DownloadedPackage",
    "FielLocation",
    "Ledger",
    "LedgerEntry",
    "PackageRecord",
    "PackageStore",
    "PeriodTooSmallError",
    "PollReport",
    "Problem",
    "RequestSpec",
    "RequestState",
    "RfcRegistry",
    "SatClientPort",
    "SatPort",
    "Stage",
    "StagedPackage",
    "StagingError",
    "StoredPackage",
    "SubmitAnswer",
    "Sync",
    "SyncConfig",
    "SyncPaths",
    "VerifyAnswer",
    "count_mismatches",
    "default_password_variable",
    "duplicate_uuids",
    "missing_xml",
    "month_period",
    "plan_partition",
    "refresh_period",
    "split_period",
    "stage_partition",
    "stage_root",
    "unbalanced_documents",
]
