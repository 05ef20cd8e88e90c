"""`SatClientPort`: the sync steps' view of SAT, over `etl.sat.SatClient` (one client per service family)."""

from __future__ import annotations

from types import TracebackType

import httpx

from etl.acquire._sat_port import DownloadAnswer, SubmitAnswer, VerifyAnswer
from etl.acquire._spec import RequestSpec
from etl.sat import Endpoints, Fiel, PackageSink, SatClient, Service

__all__ = ["SatClientPort"]


class SatClientPort:
    """SAT (or, with `base_url`, a server laid out like the sandbox) for one e.firma, both families.

    `transport`, when given, carries every call instead of the network (an in-process server in tests).
    """

    def __init__(
        self, fiel: Fiel, base_url: str | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._fiel = fiel
        self._base_url = base_url
        self._transport = transport
        self._clients: dict[Service, SatClient] = {}

    def __enter__(self) -> SatClientPort:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _client(self, service: Service) -> SatClient:
        if service not in self._clients:
            endpoints = (
                Endpoints.for_base_url(self._base_url, service) if self._base_url else Endpoints.sat(service)
            )
            self._clients[service] = SatClient(
                self._fiel, service, endpoints=endpoints, transport=self._transport
            )
        return self._clients[service]

    def submit(self, spec: RequestSpec) -> SubmitAnswer:
        result = self._client(spec.service).query(spec.query())
        return SubmitAnswer(result.status, result.message, result.request_id or None)

    def verify(self, spec: RequestSpec, id_solicitud: str) -> VerifyAnswer:
        result = self._client(spec.service).verify(id_solicitud)
        return VerifyAnswer(
            code=result.status,
            message=result.message,
            request_state=result.state,
            request_state_code=result.state_code,
            number_cfdis=result.document_count,
            package_ids=result.package_ids,
        )

    def download(self, spec: RequestSpec, package_id: str, sink: PackageSink) -> DownloadAnswer:
        result = self._client(spec.service).download_to(package_id, sink)
        return DownloadAnswer(result.status, result.message)
