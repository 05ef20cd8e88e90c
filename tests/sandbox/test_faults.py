"""Faults on demand: the client's retries survive the transient ones and report the terminal ones."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from etl.sat import (
    CodEstatus,
    DocumentStatus,
    EstadoSolicitud,
    HttpStatusError,
    QueryParameters,
    RequestType,
    RetryPolicy,
    SatConnectionError,
    SatTimeoutError,
    SatUnavailableError,
)
from sandbox import Fault, FaultRule, Operation, SandboxServer
from tests.paths import SAT_FIXTURES
from tests.sandbox.catalogs import FixtureCatalog
from tests.sandbox.client import client_for, run_cycle, wait_until_done
from tests.sandbox_plugin import SandboxFiel

_PARAMS = QueryParameters.issued(
    dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 31, 23, 59, 59), RequestType.XML,
    document_status=DocumentStatus.TODOS,
)  # fmt: skip
_SAMPLE = (SAT_FIXTURES / "packages" / "cfdi.zip").read_bytes()


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(catalog=FixtureCatalog(3))


@pytest.mark.parametrize(
    ("fault", "operation", "times"),
    [
        (Fault.HTTP_500, Operation.VERIFY, 2),
        (Fault.HTTP_500, Operation.AUTHENTICATE, 1),
        (Fault.DROP, Operation.QUERY, 2),
        (Fault.DROP, Operation.DOWNLOAD, 1),
        (Fault.TRUNCATE, Operation.VERIFY, 2),
        (Fault.TRUNCATE, Operation.DOWNLOAD, 1),
        (Fault.CODE_404, Operation.VERIFY, 3),
        (Fault.CODE_404, Operation.QUERY, 2),
        (Fault.CODE_404, Operation.DOWNLOAD, 1),
        (Fault.HANG, Operation.VERIFY, 1),
        (Fault.SLOW, Operation.DOWNLOAD, 1),
        (Fault.EXPIRE_TOKEN, Operation.VERIFY, 1),
        (Fault.EXPIRE_TOKEN, Operation.DOWNLOAD, 1),
    ],
)
def test_the_client_survives_a_transient_fault(
    server: SandboxServer, sandbox_fiel: SandboxFiel, fault: Fault, operation: Operation, times: int
) -> None:
    server.faults.inject(fault, operation=operation, times=times, delay_seconds=0.3)
    with client_for(server.base_url, sandbox_fiel, timeout=2.0) as client:
        result, packages = run_cycle(client, _PARAMS)
    assert result.state is EstadoSolicitud.TERMINADA
    assert packages == [_SAMPLE]
    assert server.faults.fired.count((operation, fault)) == times


def test_an_expired_token_is_renewed_by_a_new_autentica(
    server: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    with client_for(server.base_url, sandbox_fiel) as client:
        query = client.query(_PARAMS)
        before = server.calls[Operation.AUTHENTICATE]
        server.faults.inject(Fault.EXPIRE_TOKEN, operation=Operation.VERIFY)
        assert client.verify(query.request_id).status is CodEstatus.SOLICITUD_RECIBIDA
    assert server.calls[Operation.AUTHENTICATE] == before + 1


def test_two_tokens_revoked_in_a_row_are_renewed_without_blaming_the_efirma(
    server: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    with client_for(server.base_url, sandbox_fiel) as client:
        query = client.query(_PARAMS)
        before = server.calls[Operation.AUTHENTICATE]
        server.faults.inject(Fault.EXPIRE_TOKEN, operation=Operation.VERIFY, times=2)
        assert client.verify(query.request_id).status is CodEstatus.SOLICITUD_RECIBIDA
    assert server.calls[Operation.AUTHENTICATE] == before + 2


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.HTTP_500, HttpStatusError),
        (Fault.DROP, SatConnectionError),
        (Fault.HANG, SatTimeoutError),
        (Fault.CODE_404, SatUnavailableError),
    ],
)
def test_a_fault_that_does_not_end_is_reported_after_the_retries(
    server: SandboxServer, sandbox_fiel: SandboxFiel, fault: Fault, error: type[Exception]
) -> None:
    retry = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, total_time=10.0)
    with client_for(server.base_url, sandbox_fiel, timeout=0.5, retry=retry) as client:
        request_id = client.query(_PARAMS).request_id
        server.faults.inject(fault, operation=Operation.VERIFY, times=None)
        with pytest.raises(error):
            client.verify(request_id)
    assert server.faults.fired.count((Operation.VERIFY, fault)) == 3


def test_a_stuck_request_stays_accepted_past_its_lifecycle(
    server: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    server.faults.inject(Fault.STUCK, operation=Operation.QUERY)
    with client_for(server.base_url, sandbox_fiel) as client:
        request_id = client.query(_PARAMS).request_id
        time.sleep(3 * (server.config.accepted_seconds + server.config.in_progress_seconds))
        assert client.verify(request_id).state is EstadoSolicitud.ACEPTADA
        other = client.query(QueryParameters.issued(dt.datetime(2025, 4, 1), dt.datetime(2025, 4, 2)))
        assert wait_until_done(client, other.request_id).state is EstadoSolicitud.TERMINADA


def test_seeded_random_faults_fire_the_same_way_for_the_same_seed(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    def pattern(seed: int) -> list[bool]:
        server = sandbox_factory(catalog=FixtureCatalog(1), seed=seed)
        server.faults.inject(Fault.HTTP_500, operation=Operation.VERIFY, times=None, probability=0.3)
        failed = []
        with client_for(server.base_url, sandbox_fiel, retry=RetryPolicy(attempts=1)) as client:
            for _ in range(30):
                try:
                    client.verify("00000000-0000-4000-8000-000000000000")
                    failed.append(False)
                except HttpStatusError:
                    failed.append(True)
        return failed

    first = pattern(11)
    assert pattern(11) == first
    assert 0 < sum(first) < 30
    assert pattern(12) != first


def test_token_expiry_during_a_long_poll_is_survived_by_renewing(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    server = sandbox_factory(
        catalog=FixtureCatalog(2), token_lifetime_seconds=1.0, accepted_seconds=1.5, in_progress_seconds=1.5
    )
    with client_for(server.base_url, sandbox_fiel, token_margin=timedelta(seconds=0.2)) as client:
        result, packages = run_cycle(client, _PARAMS)
    assert result.state is EstadoSolicitud.TERMINADA
    assert packages == [_SAMPLE]
    assert server.calls[Operation.AUTHENTICATE] >= 3  # the 3 s poll outlived at least two tokens


def test_faults_given_in_the_configuration_apply_from_the_start(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    server = sandbox_factory(
        catalog=FixtureCatalog(1), faults=(FaultRule(Fault.CODE_404, Operation.QUERY, times=2),)
    )
    with client_for(server.base_url, sandbox_fiel) as client:
        assert client.query(_PARAMS).status is CodEstatus.SOLICITUD_RECIBIDA
    assert server.faults.fired == [(Operation.QUERY, Fault.CODE_404)] * 2
