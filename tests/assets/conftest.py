from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from assets._partitions import add_rfc
from assets._resources import SyncResource
from etl.acquire import Ledger
from etl.registry import FielLocation, RfcRegistry
from sandbox import SandboxServer
from tests.sandbox_plugin import SANDBOX_RFCS, SandboxFiel

RFC = SANDBOX_RFCS[0]
PASSWORD_VARIABLE = "CFDI_ETL_TEST_FIEL_PASSWORD"


@dataclass
class Pipeline:
    sandbox: SandboxServer
    instance: dg.DagsterInstance
    resource: SyncResource

    def sat_requests_sent(self) -> int:
        with Ledger(self.resource.paths.ledger) as ledger:
            return ledger.sat_requests_sent()


@pytest.fixture
def pipeline(
    request: pytest.FixtureRequest,
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_fiel: SandboxFiel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Pipeline]:
    """A running sandbox (overrides by indirect parametrization), the test e.firma registered for its
    first RFC, and a Dagster instance holding that RFC's partition."""
    sandbox = sandbox_factory(**getattr(request, "param", {}))
    monkeypatch.setenv(PASSWORD_VARIABLE, sandbox_fiel.password)
    warehouse = tmp_path / "warehouse" / "cfdi.duckdb"
    resource = SyncResource(
        warehouse=str(warehouse),
        sat_base_url=sandbox.base_url,
        poll_wait_seconds=20,
        poll_interval_seconds=0.2,
    )
    with RfcRegistry(resource.paths.ledger) as registry:
        registry.add(FielLocation(RFC, sandbox_fiel.certificate, sandbox_fiel.private_key, PASSWORD_VARIABLE))
    with dg.DagsterInstance.ephemeral() as instance:
        add_rfc(instance, RFC)
        yield Pipeline(sandbox, instance, resource)
