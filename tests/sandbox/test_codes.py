"""SAT's business and refusal codes as the real client receives them from the sandbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from etl.sat import (
    CodEstatus,
    CodigoEstadoSolicitud,
    DocumentStatus,
    EstadoSolicitud,
    QueryParameters,
    RequestType,
    SatRefusedError,
)
from sandbox import Fault, Operation, SandboxServer
from tests.sandbox.catalogs import FixtureCatalog
from tests.sandbox.client import client_for, wait_until_done
from tests.sandbox_plugin import SandboxClock, SandboxFiel

_PARAMS = QueryParameters.issued(
    dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 30, 23, 59, 59), RequestType.METADATA,
    document_status=DocumentStatus.TODOS,
)  # fmt: skip


def test_limits_reach_the_client_as_values_5005_5002_5003_5004(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(0), lifetime_request_limit=1, max_metadata_records=5)
    with client_for(server.base_url, sandbox_fiel) as client:
        first = client.query(_PARAMS)
        assert client.query(_PARAMS).status is CodEstatus.SOLICITUD_DUPLICADA
        empty = wait_until_done(client, first.request_id)
        assert (empty.state, empty.state_code, empty.document_count) == (
            EstadoSolicitud.RECHAZADA, CodigoEstadoSolicitud.NO_SE_ENCONTRO, 0,
        )  # fmt: skip
        assert client.query(_PARAMS).status is CodEstatus.SOLICITUDES_AGOTADAS
        assert client.verify("00000000-0000-4000-8000-000000000000").status is CodEstatus.NO_SE_ENCONTRO
        assert client.download("00000000-0000-4000-8000-000000000000_01").status is CodEstatus.NO_SE_ENCONTRO

    crowded = sandbox_factory(catalog=FixtureCatalog(6), max_metadata_records=5)
    with client_for(crowded.base_url, sandbox_fiel) as client:
        over = wait_until_done(client, client.query(_PARAMS).request_id)
    assert (over.state, over.state_code) == (EstadoSolicitud.RECHAZADA, CodigoEstadoSolicitud.TOPE_MAXIMO)


def test_downloads_past_the_limit_and_after_expiry_reach_the_client_as_5008_and_5007(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel, sandbox_clock: SandboxClock
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(1), package_expiry_seconds=2.0)
    with client_for(server.base_url, sandbox_fiel) as client:
        [package_id] = wait_until_done(client, client.query(_PARAMS).request_id).package_ids
        assert client.download(package_id).status is CodEstatus.SOLICITUD_RECIBIDA
        assert client.download(package_id).status is CodEstatus.SOLICITUD_RECIBIDA
        assert client.download(package_id).status is CodEstatus.MAXIMO_DE_DESCARGAS
        [other_id] = wait_until_done(client, client.query(_shifted()).request_id).package_ids
        sandbox_clock.advance(2.1)
        assert client.download(other_id).status is CodEstatus.PAQUETE_NO_EXISTE


def test_a_token_refused_even_after_renewal_is_reported_as_300(
    server_with_one_document: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    server_with_one_document.faults.inject(Fault.EXPIRE_TOKEN, operation=Operation.QUERY, times=None)
    with (
        client_for(server_with_one_document.base_url, sandbox_fiel) as client,
        pytest.raises(SatRefusedError) as refused,
    ):
        client.query(_PARAMS)
    assert refused.value.code == CodEstatus.USUARIO_NO_VALIDO


@pytest.fixture
def server_with_one_document(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(catalog=FixtureCatalog(1))


def _shifted() -> QueryParameters:
    return QueryParameters.issued(
        dt.datetime(2025, 6, 1, 0, 0, 1), dt.datetime(2025, 6, 30, 23, 59, 59), RequestType.METADATA,
        document_status=DocumentStatus.TODOS,
    )  # fmt: skip
