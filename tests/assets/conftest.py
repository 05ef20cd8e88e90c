from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import dagster as dg
import pytest

from assets._partitions import add_rfc
from assets._resources import SyncResource
from etl.sandbox import SandboxConfig, SandboxServer, generate_test_fiel
from etl.sync import FielLocation, RfcRegistry
from tests.assets.hourly_catalog import HourlyCatalog

RFC = "EKU9003173C9"
PASSWORD_VARIABLE = "CFDI_ETL_TEST_FIEL_PASSWORD"


@dataclass
class Pipeline:
    sandbox: SandboxServer
    instance: dg.DagsterInstance
    resource: SyncResource


@pytest.fixture
def pipeline(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Pipeline]:
    """A running sandbox, a registered test e.firma it trusts, a Dagster instance with the RFC's partition."""
    monkeypatch.setenv(PASSWORD_VARIABLE, "test-password")
    config = SandboxConfig(
        data_dir=tmp_path / "sandbox",
        rfcs=(RFC,),
        documents_per_package=300,
        accepted_seconds=0.2,
        in_progress_seconds=0.2,
    )
    fiel = generate_test_fiel(RFC, tmp_path / "fiel", "test-password", data_dir=config.data_dir)
    warehouse = tmp_path / "warehouse" / "cfdi.duckdb"
    with RfcRegistry(warehouse.parent / "ledger.sqlite") as registry:
        registry.add(FielLocation(RFC, fiel.certificate, fiel.private_key, PASSWORD_VARIABLE))
    limits = getattr(request, "param", {})
    config = replace(config, **limits)
    with (
        SandboxServer(config, catalog=HourlyCatalog()) as sandbox,
        dg.DagsterInstance.ephemeral() as instance,
    ):
        add_rfc(instance, RFC)
        resource = SyncResource(
            warehouse=str(warehouse),
            sat_base_url=sandbox.base_url,
            poll_wait_seconds=20,
            poll_interval_seconds=0.2,
        )
        yield Pipeline(sandbox, instance, resource)
