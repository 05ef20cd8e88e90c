"""The Dagster code location: `dagster dev` / `dagster definitions validate` from the repository root."""

from __future__ import annotations

import dagster as dg

from assets._assets import PIPELINE
from assets._automation import after_sat_job, daily_incremental, partition_job, sat_pending_requests
from assets._checks import CHECKS
from assets._resources import SyncResource
from assets.lists import lists_daily, lists_job, sat_lists, sat_lists_fresh

__all__ = ["defs"]

defs = dg.Definitions(
    assets=[*PIPELINE, sat_lists],
    asset_checks=[*CHECKS, sat_lists_fresh],
    jobs=[partition_job, after_sat_job, lists_job],
    schedules=[daily_incremental, lists_daily],
    sensors=[sat_pending_requests],
    resources={"sync": SyncResource.from_env()},
)
