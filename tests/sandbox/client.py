"""The real client (`etl.sat.SatClient`) pointed at a sandbox, with a retry policy fast enough for tests."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta

from etl.sat import (
    Endpoints,
    EstadoSolicitud,
    Fiel,
    QueryParameters,
    RetryPolicy,
    SatClient,
    Service,
    VerifyResult,
)
from tests.sandbox_plugin import SandboxFiel

__all__ = ["FAST_RETRY", "client_for", "run_cycle", "wait_until_done", "zip_names"]

FAST_RETRY = RetryPolicy(attempts=5, base_delay=0.05, max_delay=0.2, total_time=30.0)


def client_for(
    base_url: str,
    fiel: SandboxFiel,
    service: Service = Service.CFDI,
    *,
    timeout: float = 10.0,
    retry: RetryPolicy = FAST_RETRY,
    token_margin: timedelta = timedelta(seconds=30),
) -> SatClient:
    loaded = Fiel.from_files(fiel.certificate, fiel.private_key, fiel.password)
    return SatClient(
        loaded,
        service,
        endpoints=Endpoints.for_base_url(base_url, service),
        timeout=timeout,
        retry=retry,
        token_margin=token_margin,
    )


def wait_until_done(client: SatClient, request_id: str, limit: float = 60.0) -> VerifyResult:
    """Poll as a patient client does, until the request leaves states 1 and 2."""
    deadline = time.monotonic() + limit
    while True:
        result = client.verify(request_id)
        if result.state not in (EstadoSolicitud.ACEPTADA, EstadoSolicitud.EN_PROCESO):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"request {request_id} still in state {result.state} after {limit} s")
        time.sleep(0.1)


def run_cycle(client: SatClient, params: QueryParameters) -> tuple[VerifyResult, list[bytes]]:
    """Query, poll, download every package: what the pipeline does, in one place."""
    query = client.query(params)
    assert query.status == 5000, query
    result = wait_until_done(client, query.request_id)
    packages = []
    for package_id in result.package_ids:
        download = client.download(package_id)
        assert download.status == 5000, download
        packages.append(download.package)
    return result, packages


def zip_names(package: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None
        return archive.namelist()
