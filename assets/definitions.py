"""The Dagster code location: `dagster dev` / `dagster definitions validate` from the repository root."""

from __future__ import annotations

import dagster as dg

from assets._alerts import ALERT_SENSORS, daily_alert_checks
from assets._assets import PIPELINE
from assets._automation import after_sat_job, daily_incremental, partition_job, sat_pending_requests
from assets._checks import CHECKS
from assets._resources import SyncResource
from assets._status import STATUS_ASSETS, STATUS_CHECKS, STATUS_JOBS, STATUS_SCHEDULES
from assets.lists import lists_daily, lists_job, sat_lists, sat_lists_fresh
from pipeline import Settings

__all__ = ["defs"]

defs = dg.Definitions(
    assets=[*PIPELINE, *STATUS_ASSETS, sat_lists],
    asset_checks=[*CHECKS, *STATUS_CHECKS, sat_lists_fresh],
    jobs=[partition_job, after_sat_job, *STATUS_JOBS, lists_job],
    schedules=[daily_incremental, daily_alert_checks, *STATUS_SCHEDULES, lists_daily],
    sensors=[sat_pending_requests, *ALERT_SENSORS],
    resources={"sync": SyncResource.from_settings(Settings.from_env(), env_vars=True)},
)
