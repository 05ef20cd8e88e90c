"""Every CFDI_ETL_* setting is read in one place, into one typed, frozen object."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest

from assets._resources import SyncResource
from etl.alerts import SmtpSecurity
from etl.lists import DEFAULT_BASE_URL as SAT_LISTS
from etl.parse.bound import DEFAULT_MAX_DOCUMENT_BYTES
from etl.sat import RequestType, Service
from etl.status import SAT_STATUS_BASE_URL, StatusSettings
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
    assert (settings.warehouse_lock_wait_seconds, settings.max_document_bytes) == (600.0, 64 << 20)
    assert DEFAULT_MAX_DOCUMENT_BYTES == 64 << 20
    assert (settings.lists_base_url, settings.lists_max_age_days) == (SAT_LISTS, 120)
    assert settings.status_service == StatusSettings(base_url=SAT_STATUS_BASE_URL)
    assert not settings.alerts.channels_configured
    assert settings.alerts.pending_after == timedelta(hours=24)


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
            "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS": "0",
            "CFDI_ETL_MAX_DOCUMENT_BYTES": "1_000",
            "CFDI_ETL_LISTS_BASE_URL": "http://127.0.0.1:8765/listas/",
            "CFDI_ETL_LISTS_MAX_AGE_DAYS": "30",
            "CFDI_ETL_STATUS_CALLS_PER_SECOND": "0",
            "CFDI_ETL_STATUS_CONCURRENCY": "4",
            "CFDI_ETL_STATUS_TIMEOUT_SECONDS": "5",
            "CFDI_ETL_STATUS_ATTEMPTS": "1",
            "CFDI_ETL_STATUS_MONTHS": "6",
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
    assert (settings.warehouse_lock_wait_seconds, settings.max_document_bytes) == (0.0, 1000)
    assert (settings.lists_base_url, settings.lists_max_age_days) == ("http://127.0.0.1:8765/listas/", 30)
    # the status service follows the SAT base URL (the sandbox's B/consulta) unless it is named
    assert settings.status_service == StatusSettings("http://127.0.0.1:8765/consulta", 0.0, 4, 5.0, 1, 6)
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
        (
            "CFDI_ETL_MAX_DOCUMENT_BYTES",
            "lots",
            "CFDI_ETL_MAX_DOCUMENT_BYTES='lots' is not a positive number of bytes",
        ),
        (
            "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS",
            "ten",
            "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS='ten' is not a",
        ),
        (
            "CFDI_ETL_STATUS_CALLS_PER_SECOND",
            "fast",
            "CFDI_ETL_STATUS_CALLS_PER_SECOND='fast' is not a number",
        ),
        ("CFDI_ETL_STATUS_CONCURRENCY", "0", "CFDI_ETL_STATUS_CONCURRENCY must be at least 1"),
        ("CFDI_ETL_ALERT_SMTP_HOST", "smtp.example.test", "CFDI_ETL_ALERT_SMTP_TO names no recipient"),
        ("CFDI_ETL_ALERT_FIEL_DAYS", "a month", "CFDI_ETL_ALERT_FIEL_DAYS='a month' is not a number"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_naming_its_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({variable: value})


def test_a_blank_number_reads_as_unset() -> None:
    assert Settings.from_env({"CFDI_ETL_STATUS_MONTHS": "", "CFDI_ETL_POLL_WAIT_SECONDS": " "}) == Settings()


def test_alerts_name_the_password_variable_and_refuse_a_password_in_its_place() -> None:
    alerts = Settings.from_env(
        {
            "CFDI_ETL_ALERT_SMTP_HOST": "smtp.example.test",
            "CFDI_ETL_ALERT_SMTP_TO": "a@example.test, b@example.test",
            "CFDI_ETL_ALERT_SMTP_USER": "alerts",
            "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV": "SMTP_PASSWORD",
            "CFDI_ETL_ALERT_WEBHOOK_URL": "https://hooks.example.test/x",
            "CFDI_ETL_ALERT_PENDING_HOURS": "6",
        }
    ).alerts
    assert alerts.smtp is not None
    assert (alerts.smtp.port, alerts.smtp.security) == (587, SmtpSecurity.STARTTLS)
    assert alerts.smtp.recipients == ("a@example.test", "b@example.test")
    assert alerts.smtp.password_variable == "SMTP_PASSWORD"
    assert alerts.webhook is not None
    assert alerts.pending_after == timedelta(hours=6)
    tls = {
        "CFDI_ETL_ALERT_SMTP_HOST": "h",
        "CFDI_ETL_ALERT_SMTP_TO": "a@x",
        "CFDI_ETL_ALERT_SMTP_SECURITY": "TLS",
    }
    assert Settings.from_env(tls).alerts.smtp == dataclasses.replace(
        alerts.smtp, host="h", recipients=("a@x",), port=465, security=SmtpSecurity.TLS, user=None,
        password_variable=None,
    )  # fmt: skip
    with pytest.raises(SettingsError, match="must name an environment variable"):
        Settings.from_env(
            {
                "CFDI_ETL_ALERT_SMTP_HOST": "smtp.example.test",
                "CFDI_ETL_ALERT_SMTP_TO": "a@example.test",
                "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV": "hunter2!",
            }
        )
    with pytest.raises(SettingsError, match="CFDI_ETL_ALERT_SMTP_SECURITY='ssl': give one of starttls, tls"):
        Settings.from_env({**tls, "CFDI_ETL_ALERT_SMTP_SECURITY": "ssl"})


def test_no_secret_reaches_the_settings_their_repr_or_the_dagster_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets = {
        "CFDI_ETL_FIEL_PASSWORD_EKU9003173C9": "fiel-secret-1",
        "CFDI_ETL_FIEL_PASSWORD": "fiel-secret-2",
        "SMTP_PASSWORD": "smtp-secret-3",
        "HOOK_SECRET": "hook-secret-4",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_HOST", "smtp.example.test")
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_TO", "ops@example.test")
    monkeypatch.setenv("CFDI_ETL_ALERT_SMTP_PASSWORD_ENV", "SMTP_PASSWORD")
    monkeypatch.setenv("CFDI_ETL_ALERT_WEBHOOK_URL", "https://hooks.example.test/x")
    monkeypatch.setenv("CFDI_ETL_ALERT_WEBHOOK_SECRET_ENV", "HOOK_SECRET")
    settings = Settings.from_env()
    assert settings.alerts.smtp is not None
    assert settings.alerts.webhook is not None
    shown = repr(settings) + str(settings) + repr(SyncResource.from_settings(settings, env_vars=True))
    assert [value for value in secrets.values() if value in shown] == []
    assert "SMTP_PASSWORD" in shown  # the variable's name is what is kept


def _readme_settings() -> list[str]:
    """The variables the README's settings tables name, in each row's first column."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1] for line in readme.splitlines() if line.startswith("| `CFDI_ETL_")]
    return [name for row in rows for name in re.findall(r"`(CFDI_ETL_[A-Z0-9_]+)`", row)]


def test_the_readme_tables_list_every_setting_the_settings_object_reads_once() -> None:
    named = _readme_settings()
    assert sorted(name for name in VARIABLES if named.count(name) != 1) == []
    assert sorted(set(named) - set(VARIABLES)) == []


def test_the_resource_carries_the_settings_and_gives_them_back_typed() -> None:
    settings = Settings.from_env(
        {
            "CFDI_ETL_HOME": "/srv/cfdi",
            "CFDI_ETL_WAREHOUSE": "/data/wh.duckdb",
            "CFDI_ETL_LIFETIME_LIMIT": "3",
            "CFDI_ETL_WAREHOUSE_LOCK_WAIT_SECONDS": "5",
            "CFDI_ETL_LISTS_BASE_URL": "http://lists.example.test/",
            "CFDI_ETL_STATUS_BASE_URL": "http://status.example.test",
            "CFDI_ETL_STATUS_MONTHS": "6",
            "CFDI_ETL_ALERT_SMTP_HOST": "smtp.example.test",
            "CFDI_ETL_ALERT_SMTP_SECURITY": "tls",
            "CFDI_ETL_ALERT_SMTP_TO": "a@example.test,b@example.test",
            "CFDI_ETL_ALERT_SMTP_PASSWORD_ENV": "SMTP_PASSWORD",
            "CFDI_ETL_ALERT_SMTP_CA_FILE": "/etc/ca.pem",
            "CFDI_ETL_ALERT_WEBHOOK_URL": "https://hooks.example.test/x",
            "CFDI_ETL_ALERT_RECONCILE_HOURS": "1.5",
        }
    )
    assert SyncResource.from_settings(settings).settings() == dataclasses.replace(settings, given=frozenset())
    assert SyncResource.from_settings(Settings()).settings().alerts == Settings().alerts  # no channel


def test_the_code_location_names_the_variables_a_setting_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFDI_ETL_SAT_BASE_URL", "http://127.0.0.1:8765")
    monkeypatch.setenv("CFDI_ETL_LIFETIME_LIMIT", "3")
    monkeypatch.setenv("CFDI_ETL_LISTS_BASE_URL", "http://127.0.0.1:8765/listas/")
    monkeypatch.setenv("CFDI_ETL_STATUS_MONTHS", "6")
    monkeypatch.setenv("CFDI_ETL_ALERT_WEBHOOK_URL", "https://hooks.example.test/x")
    for unset in ("CFDI_ETL_WAREHOUSE", "CFDI_ETL_STATUS_BASE_URL"):
        monkeypatch.delenv(unset, raising=False)
    resource = SyncResource.from_settings(Settings.from_env(), env_vars=True)
    assert getattr(resource.sat_base_url, "env_var_name", None) == "CFDI_ETL_SAT_BASE_URL"
    assert getattr(resource.lifetime_limit, "env_var_name", None) == "CFDI_ETL_LIFETIME_LIMIT"
    assert getattr(resource.lists_base_url, "env_var_name", None) == "CFDI_ETL_LISTS_BASE_URL"
    assert getattr(resource.status_months, "env_var_name", None) == "CFDI_ETL_STATUS_MONTHS"
    assert getattr(resource.alert_webhook_url, "env_var_name", None) == "CFDI_ETL_ALERT_WEBHOOK_URL"
    assert not hasattr(resource.warehouse, "env_var_name")
    assert not hasattr(resource.status_base_url, "env_var_name")
    with dg.build_resources({"sync": resource}) as resources:
        resolved = resources.sync.settings()
    assert (resolved.sat_base_url, resolved.lifetime_limit) == ("http://127.0.0.1:8765", 3)
    assert (resolved.lists_base_url, resolved.status.months) == ("http://127.0.0.1:8765/listas/", 6)
    assert resolved.status_service.base_url == "http://127.0.0.1:8765/consulta"
    assert resolved.alerts.webhook is not None
    assert resolved.alerts.webhook.url == "https://hooks.example.test/x"
