"""`SatClient`: SAT's four operations over HTTP for one FIEL and one service family."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import TypeVar

import httpx

from etl.sat._codes import CodEstatus
from etl.sat._endpoints import Endpoints, Operation
from etl.sat._envelopes import RequestBuilder, query_operation
from etl.sat._errors import (
    HttpStatusError,
    QueryParametersError,
    SatConnectionError,
    SatRefusedError,
    SatTimeoutError,
    SatUnavailableError,
)
from etl.sat._fiel import Fiel
from etl.sat._params import QueryParameters, Service
from etl.sat._responses import (
    DownloadResult,
    QueryResult,
    Token,
    VerifyResult,
    read_authentication,
    read_download,
    read_query,
    read_verify,
    reraise_fault,
)
from etl.sat._retry import RetryPolicy

__all__ = ["SatClient"]

R = TypeVar("R", QueryResult, VerifyResult, DownloadResult)
_log = logging.getLogger("etl.sat")

_REFUSAL_ADVICE = {
    CodEstatus.USUARIO_NO_VALIDO: "SAT does not accept this e.firma's user; check the e.firma is current.",
    CodEstatus.SELLO_MAL_FORMADO: "the request's signature is malformed: a bug in cfdi-etl, report it.",
    CodEstatus.SELLO_NO_CORRESPONDE: "the signature is not RfcSolicitante's: use the RFC's own e.firma.",
    CodEstatus.CERTIFICADO_REVOCADO_O_CADUCO: "the e.firma is revoked or expired; renew it with SAT.",
    CodEstatus.CERTIFICADO_INVALIDO: "SAT does not accept this certificate (a CSD or a test certificate); "
    "use the taxpayer's e.firma.",
}


class SatClient:
    """SAT's bulk-download service for one FIEL and one service family (CFDI or Retenciones).

    The token is reused while valid and renewed `token_margin` (at most half its lifetime) before it
    expires, as measured on this machine's clock from when it was asked for; this is checked before
    every try, so a long poll or a slow retry never sends an expired token. Transient failures are retried
    according to `retry`; business codes (5002, 5003, 5004, 5005, 5007, 5008, ...) are returned as values.
    `transport` replaces httpx's network transport, so a server can answer in-process (tests).
    """

    def __init__(
        self,
        fiel: Fiel,
        service: Service = Service.CFDI,
        *,
        endpoints: Endpoints | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        token_margin: timedelta = timedelta(seconds=30),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.service = service
        self.endpoints = endpoints or Endpoints.sat(service)
        self.retry = retry or RetryPolicy()
        self._builder = RequestBuilder(fiel)
        self._margin = token_margin.total_seconds()
        self._http = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)
        self._token: Token | None = None
        self._token_deadline = 0.0  # time.monotonic() after which the token is renewed

    def __enter__(self) -> SatClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def fiel(self) -> Fiel:
        return self._builder.fiel

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        rfc, service = self._builder.fiel.rfc, self.service.value
        return f"SatClient(rfc={rfc!r}, service={service!r}, endpoints={self.endpoints})"

    def authenticate(self) -> Token:
        """A new token from `Autentica` (the other calls get one themselves when needed)."""
        return self.retry.run(Operation.AUTENTICA.element, self._authenticate_once)

    def _authenticate_once(self) -> Token:
        sent_at = time.monotonic()
        # Built per try: the signed Timestamp must be fresh.
        content = self._post(Operation.AUTENTICA, self._builder.authenticate(), token=None)
        token = read_authentication(Operation.AUTENTICA.element, content)
        self._token = token
        # A margin over half the lifetime (a short-lived test token) would renew it on every call.
        margin = min(self._margin, token.lifetime_seconds / 2)
        self._token_deadline = sent_at + token.lifetime_seconds - margin
        return token

    def query(self, params: QueryParameters) -> QueryResult:
        """Ask SAT to prepare a download; the result holds the `IdSolicitud` to verify later."""
        if params.service is not self.service:
            raise QueryParametersError(
                f"This query is for the {params.service.value} service but the client talks to "
                f"{self.service.value}: use a SatClient for {params.service.value}."
            )
        operation = query_operation(params)
        return self._call(operation, self._builder.query(params), read_query)

    def verify(self, request_id: str) -> VerifyResult:
        """Where a request stands and, once finished, its package ids."""
        return self._call(Operation.VERIFICA, self._builder.verify(request_id), read_verify)

    def download(self, package_id: str) -> DownloadResult:
        """One package: a zip's bytes (SAT lets each package be downloaded twice: keep it)."""
        return self._call(Operation.DESCARGAR, self._builder.download(package_id), read_download)

    def _valid_token(self) -> Token:
        if self._token is None or time.monotonic() >= self._token_deadline:
            _log.info("authenticating %s with SAT (%s)", self._builder.fiel.rfc, self.service.value)
            # One try only: the caller's own retry loop covers a failed authentication.
            return self._authenticate_once()
        return self._token

    def _call(self, operation: Operation, envelope: bytes, read: Callable[[str, bytes], R]) -> R:
        renewed_after_refusal = False

        def attempt() -> R:
            nonlocal renewed_after_refusal
            result = read(operation.element, self._post(operation, envelope, token=self._valid_token()))
            if result.status.is_transient:
                raise SatUnavailableError(operation.element, result.status, result.message)
            if result.status is CodEstatus.USUARIO_NO_VALIDO and not renewed_after_refusal:
                # SAT answers 300 to a token it no longer honours: one fresh token, then it is final.
                _log.warning("SAT %s refused the token (300 %s); authenticating again", operation.element,
                             result.message)  # fmt: skip
                renewed_after_refusal = True
                self._token = None
                return attempt()
            if result.status.is_refusal:
                raise SatRefusedError(
                    operation.element, result.status, result.message, _REFUSAL_ADVICE[result.status]
                )
            return result

        return self.retry.run(operation.element, attempt)

    def _post(self, operation: Operation, envelope: bytes, token: Token | None) -> bytes:
        url = self.endpoints.url_for(operation)
        headers = {
            "Content-Type": 'text/xml; charset="utf-8"',
            "Accept": "text/xml",
            "SOAPAction": operation.soap_action,
        }
        if token is not None:
            headers["Authorization"] = f'WRAP access_token="{token.value}"'
        try:
            response = self._http.post(url, content=envelope, headers=headers)
        except httpx.TimeoutException as error:
            raise SatTimeoutError(operation.element, type(error).__name__) from None
        except httpx.TransportError as error:
            raise SatConnectionError(operation.element, url, str(error) or type(error).__name__) from None
        _log.debug(
            "SAT %s answered HTTP %d (%d bytes)",
            operation.element,
            response.status_code,
            len(response.content),
        )
        if response.is_success:
            return response.content
        # SAT sends SOAP Faults with HTTP 500: a fault says more than the status does.
        reraise_fault(operation.element, response.content)
        raise HttpStatusError(operation.element, response.status_code, url)
