"""The pipeline's steps for one partition, called as plain functions (no Dagster) against the sandbox."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from etl.acquire import Ledger
from etl.registry import FielLocation, RfcRegistry
from pipeline import Settings, StepError, download, load, parse, publish, request, stored_packages, wait
from sandbox import SandboxServer
from schemas import Partition
from tests.sandbox_plugin import SANDBOX_RFCS, SandboxFiel
from warehouse import Warehouse

__all__: list[str] = []

RFC = SANDBOX_RFCS[0]
MONTH = date(2026, 8, 1)
PASSWORD_VARIABLE = "CFDI_ETL_FIEL_PASSWORD_" + RFC


def _downloaded(
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_fiel: SandboxFiel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Settings, Partition]:
    """A partition requested, finished and downloaded; then the sandbox is stopped."""
    sandbox = sandbox_factory()
    monkeypatch.setenv(PASSWORD_VARIABLE, sandbox_fiel.password)
    settings = Settings(
        warehouse=tmp_path / "warehouse" / "cfdi.duckdb",
        sat_base_url=sandbox.base_url,
        poll_wait_seconds=20,
        poll_interval_seconds=0.2,
    )
    with RfcRegistry(settings.paths.ledger) as registry:
        registry.add(FielLocation(RFC, sandbox_fiel.certificate, sandbox_fiel.private_key, PASSWORD_VARIABLE))
    partition = Partition(RFC, MONTH)
    assert request(settings, partition).requests > 0
    assert wait(settings, partition).ready
    assert download(settings, partition).packages > 0
    sandbox.stop()
    return settings, partition


def test_parse_and_load_need_no_password_no_efirma_and_no_sat_once_the_packages_are_stored(
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_fiel: SandboxFiel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, partition = _downloaded(sandbox_factory, sandbox_fiel, tmp_path, monkeypatch)
    for name in [n for n in os.environ if n.startswith("CFDI_ETL_FIEL_PASSWORD")]:
        monkeypatch.delenv(name)
    # Neither the e.firma files nor SAT's address are needed either: take both away.
    sandbox_fiel.private_key.unlink()
    sandbox_fiel.certificate.unlink()
    offline = Settings(warehouse=settings.warehouse, sat_base_url="http://127.0.0.1:9")

    parsed = parse(offline, partition)
    loaded = load(offline, partition)
    published = publish(offline)

    assert parsed.packages > 0
    assert parsed.records > 0
    assert loaded.rows["comprobantes"] > 0
    assert loaded.rows["metadata"] > 0
    with Warehouse.open(published, read_only=True) as warehouse:
        counted = warehouse.query("SELECT rfc, count(*) AS n FROM comprobantes GROUP BY rfc")
    assert counted.rows() == [(RFC, loaded.rows["comprobantes"])]


def test_parsing_a_package_missing_from_the_store_names_the_download_step_and_asks_no_one(
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_fiel: SandboxFiel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, partition = _downloaded(sandbox_factory, sandbox_fiel, tmp_path, monkeypatch)
    packages = stored_packages(settings, partition)
    packages[0].stored.path.unlink()
    with Ledger(settings.paths.ledger) as ledger:
        sent = ledger.sat_requests_sent()

    with pytest.raises(
        StepError, match=r"1 package\(s\) of .* are not in the package store yet: .*sat_packages"
    ):
        parse(settings, partition)
    with Ledger(settings.paths.ledger) as ledger:
        assert ledger.sat_requests_sent() == sent
    assert not (settings.paths.staging / RFC / f"{MONTH:%Y-%m}").exists()


def test_each_step_reports_in_the_partitions_words(
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_fiel: SandboxFiel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, partition = _downloaded(sandbox_factory, sandbox_fiel, tmp_path, monkeypatch)
    lines: list[str] = []
    parse(settings, partition, log=lines.append)
    load(settings, partition, log=lines.append)
    assert any(line.startswith(f"loaded {RFC} {MONTH:%Y-%m} emitidos cfdi: ") for line in lines)
    assert any(line.startswith(f"loaded {RFC} {MONTH:%Y-%m} recibidos metadata: ") for line in lines)
