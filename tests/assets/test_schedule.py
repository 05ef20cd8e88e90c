from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest

from assets._assets import REFRESH_METADATA_TAG
from assets._automation import daily_incremental
from assets._partitions import add_rfc
from assets._resources import SyncResource
from etl.sat import mexico_now
from pipeline import Settings


def test_the_daily_schedule_asks_for_each_rfc_this_month_and_rereads_the_metadata_of_recent_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CFDI_ETL_RECENT_MONTHS", "2")
    with dg.instance_for_test() as instance:
        add_rfc(instance, "AAA010101AAA")
        add_rfc(instance, "bbb020202bb1")
        sync = SyncResource.from_settings(Settings.from_env())
        with dg.build_schedule_context(instance=instance, resources={"sync": sync}) as context:
            evaluation = daily_incremental(context)
            assert isinstance(evaluation, Iterator)
            requests = [r for r in evaluation if isinstance(r, dg.RunRequest)]
    this_month = mexico_now().date().replace(day=1).isoformat()
    keys = sorted(str(r.partition_key) for r in requests)
    assert len(keys) == 6
    assert {k.split("|")[1] for k in keys} == {"AAA010101AAA", "BBB020202BB1"}
    for request in requests:
        closed = not str(request.partition_key).startswith(this_month)
        assert (request.tags.get(REFRESH_METADATA_TAG) == "1") is closed
