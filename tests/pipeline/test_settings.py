"""Every CFDI_ETL_* setting is read in one place, into one typed, frozen object."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import dagster as dg
import pytest

from assets._resources import SyncResource
from etl.sat import RequestType, Service
from pipeline import VARIABLES, Settings, SettingsError
from schemas import Direction
from tests.paths import REPO_ROOT

__all__: list[str] = []


def test_with_nothing_set_the_settings_are_the_documented_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.warehouse == Path("var") / "warehouse" / "cfdi.duckdb"
    assert settings.paths.ledger == Path("var") / "warehouse" / "ledger.sqlite"
    assert settings.sat_base_url == ""
    assert (settings.poll_wait_seconds, settings.lifetime_limit, settings.recent_months) == (30.0, 2, 2)
    assert settings.directions == (Direction.ISSUED, Direction.RECEIVED)


def test_every_variable_reaches_its_typed_setting() -> None:
    settings = Settings.from_env(
        {
            "CFDI_ETL_HOME": "/srv/cfdi",
            "CFDI_ETL_SAT_BASE_URL": "http://127.0.0.1:8765",
            "CFDI_ETL_POLL_WAIT_SECONDS": "2.5",
            "CFDI_ETL_POLL_INTERVAL_SECONDS": "0.5",
            "CFDI_ETL_STUCK_AFTER_HOURS": "24",
            "CFDI_ETL_LIFETIME_LIMIT": "3",
            "CFDI_ETL_ALLOW_REPEAT": "1",
            "CFDI_ETL_PARSE_PROCESSES": "4",
            "CFDI_ETL_RECENT_MONTHS": "5",
            "CFDI_ETL_SERVICES": "retenciones",
            "CFDI_ETL_DIRECTIONS": "recibidos, emitidos",
            "CFDI_ETL_REQUEST_TYPES": "Metadata",
            "UNRELATED": "ignored",
        }
    )
    assert settings.home == Path("/srv/cfdi")
    assert settings.warehouse == Path("/srv/cfdi/warehouse/cfdi.duckdb")
    assert settings.dagster_home == Path("/srv/cfdi/dagster")
    assert settings.sat_base_url == "http://127.0.0.1:8765"
    assert (settings.poll_wait_seconds, settings.poll_interval_seconds) == (2.5, 0.5)
    assert settings.sync_config().stuck_after.total_seconds() == 24 * 3600
    assert (settings.lifetime_limit, settings.allow_repeat, settings.parse_processes) == (3, True, 4)
    assert settings.recent_months == 5
    assert settings.services == (Service.RETENCIONES,)
    assert settings.directions == (Direction.RECEIVED, Direction.ISSUED)
    assert settings.request_types == (RequestType.METADATA,)
    assert "UNRELATED" not in settings.given
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.lifetime_limit = 9  # type: ignore[misc]


def test_the_warehouse_follows_the_home_unless_a_file_is_named() -> None:
    assert Settings(home=Path("/srv/cfdi")).warehouse == Path("/srv/cfdi/warehouse/cfdi.duckdb")
    assert Settings(home=Path("/srv/cfdi"), warehouse=Path("/data/wh.duckdb")).warehouse == Path(
        "/data/wh.duckdb"
    )


def test_an_explicit_warehouse_file_wins_over_the_home() -> None:
    settings = Settings.from_env({"CFDI_ETL_HOME": "/srv/cfdi", "CFDI_ETL_WAREHOUSE": "/data/wh.duckdb"})
    assert settings.warehouse == Path("/data/wh.duckdb")
    assert settings.paths.packages == Path("/data/packages")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "CFDI_ETL_POLL_WAIT_SECONDS",
            "half a minute",
            "CFDI_ETL_POLL_WAIT_SECONDS='half a minute' is not a number",
        ),
        (
            "CFDI_ETL_LIFETIME_LIMIT",
            "2.5",
            "CFDI_ETL_LIFETIME_LIMIT='2.5' is not a number; e.g. CFDI_ETL_LIFETIME_LIMIT=2",
        ),
        ("CFDI_ETL_RECENT_MONTHS", "-1", "CFDI_ETL_RECENT_MONTHS='-1' is negative"),
        ("CFDI_ETL_DIRECTIONS", "issued", "give one or more of emitidos, recibidos"),
        ("CFDI_ETL_SERVICES", "", "give one or more of cfdi, retenciones"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_naming_its_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({variable: value})


def test_the_readme_lists_every_setting_the_settings_object_reads() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in VARIABLES if not re.search(rf"`{name}[`=]", readme)] == []


def test_the_resource_carries_the_settings_and_gives_them_back_typed() -> None:
    settings = Settings.from_env({"CFDI_ETL_WAREHOUSE": "/data/wh.duckdb", "CFDI_ETL_LIFETIME_LIMIT": "3"})
    assert SyncResource.from_settings(settings).settings() == dataclasses.replace(settings, given=frozenset())


def test_the_code_location_names_the_variables_a_setting_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFDI_ETL_SAT_BASE_URL", "http://127.0.0.1:8765")
    monkeypatch.setenv("CFDI_ETL_LIFETIME_LIMIT", "3")
    monkeypatch.delenv("CFDI_ETL_WAREHOUSE", raising=False)
    resource = SyncResource.from_settings(Settings.from_env(), env_vars=True)
    assert getattr(resource.sat_base_url, "env_var_name", None) == "CFDI_ETL_SAT_BASE_URL"
    assert getattr(resource.lifetime_limit, "env_var_name", None) == "CFDI_ETL_LIFETIME_LIMIT"
    assert not hasattr(resource.warehouse, "env_var_name")
    with dg.build_resources({"sync": resource}) as resources:
        resolved = resources.sync.settings()
    assert (resolved.sat_base_url, resolved.lifetime_limit) == ("http://127.0.0.1:8765", 3)
