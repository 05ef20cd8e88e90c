"""`SatClient`: SAT's four operations over HTTP for one FIEL and one service family."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import TypeVar

import httpx

from etl.sat._codes import CodEstatus
from etl.sat._download import DownloadReader, PackageSink, StreamedDownload
from etl.sat._endpoints import Endpoints, Operation
from etl.sat._envelopes import RequestBuilder, query_operation
from etl.sat._errors import (
    BrokenDownloadError,
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
    read_query,
    read_verify,
    reraise_fault,
)
from etl.sat._retry import RetryPolicy

__all__ = ["SatClient"]

R = TypeVar("R", QueryResult, VerifyResult, StreamedDownload)
_log = logging.getLogger("etl.sat")
_TOKEN_RENEWALS = 2  # fresh tokens tried after SAT refuses one (300) before the refusal is final
_ERROR_ANSWER_LIMIT = 1 << 20  # an HTTP error answer is read up to this much, for its SOAP Fault

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
        envelope = self._builder.query(params)
        return self._call(
            operation, lambda token: read_query(operation.element, self._post(operation, envelope, token))
        )

    def verify(self, request_id: str) -> VerifyResult:
        """Where a request stands and, once finished, its package ids."""
        envelope, operation = self._builder.verify(request_id), Operation.VERIFICA
        return self._call(
            operation, lambda token: read_verify(operation.element, self._post(operation, envelope, token))
        )

    def download(self, package_id: str) -> DownloadResult:
        """One package's zip bytes, in memory (`download_to` streams to a file instead: prefer it).

        A broken answer is tried once more (SAT serves a package twice), then `BrokenDownloadError`.
        """
        for tries_left in (1, 0):
            sink = io.BytesIO()
            try:
                result = self.download_to(package_id, sink)
            except BrokenDownloadError as error:
                if not tries_left:
                    raise
                _log.warning("%s; one retry: downloading it again", error)
                continue
            return DownloadResult(result.status, result.message, sink.getvalue())
        raise AssertionError("unreachable: the last try returns or raises")

    def download_to(self, package_id: str, sink: PackageSink) -> StreamedDownload:
        """One package, written to `sink` as it arrives (base64 decoded on the way); memory stays at a chunk.

        SAT lets each package be downloaded twice: an answer that breaks off once SAT began serving it
        raises `BrokenDownloadError` and is not retried here (the caller decides whether to spend the
        second download); failures before SAT served anything are retried as any other call's.
        """
        envelope = self._builder.download(package_id)
        return self._call(Operation.DESCARGAR, lambda token: self._stream(envelope, token, sink))

    def _valid_token(self) -> Token:
        if self._token is None or time.monotonic() >= self._token_deadline:
            _log.info("authenticating %s with SAT (%s)", self._builder.fiel.rfc, self.service.value)
            # One try only: the caller's own retry loop covers a failed authentication.
            return self._authenticate_once()
        return self._token

    def _call(self, operation: Operation, send: Callable[[Token], R]) -> R:
        renewals = 0

        def attempt() -> R:
            nonlocal renewals
            result = send(self._valid_token())
            if result.status.is_transient:
                raise SatUnavailableError(operation.element, result.status, result.message)
            if result.status is CodEstatus.USUARIO_NO_VALIDO and renewals < _TOKEN_RENEWALS:
                # SAT answers 300 to a token it no longer honours (revoked before its time, as SAT does):
                # that says nothing about the e.firma, which Autentica accepts again right away.
                renewals += 1
                _log.warning(
                    "SAT %s refused the token (300 %s): it was revoked before its time; "
                    "authenticating again (fresh token %d of %d)",
                    operation.element,
                    result.message,
                    renewals,
                    _TOKEN_RENEWALS,
                )
                self._token = None
                return attempt()
            if result.status is CodEstatus.USUARIO_NO_VALIDO:
                raise SatRefusedError(
                    operation.element,
                    result.status,
                    result.message,
                    f"SAT refused {renewals + 1} session tokens in a row, each just issued by Autentica, "
                    "which accepted the e.firma every time: SAT's token service is failing (or this "
                    "computer's clock is far off). The e.firma is not at fault; try again later.",
                )
            if result.status.is_refusal:
                raise SatRefusedError(
                    operation.element, result.status, result.message, _REFUSAL_ADVICE[result.status]
                )
            return result

        return self.retry.run(operation.element, attempt)

    def _headers(self, operation: Operation, token: Token | None) -> dict[str, str]:
        headers = {
            "Content-Type": 'text/xml; charset="utf-8"',
            "Accept": "text/xml",
            "SOAPAction": operation.soap_action,
        }
        if token is not None:
            headers["Authorization"] = f'WRAP access_token="{token.value}"'
        return headers

    def _stream(self, envelope: bytes, token: Token, sink: PackageSink) -> StreamedDownload:
        operation = Operation.DESCARGAR
        url = self.endpoints.url_for(operation)
        reader: DownloadReader | None = None
        try:
            with self._http.stream(
                "POST", url, content=envelope, headers=self._headers(operation, token)
            ) as response:
                if not response.is_success:
                    content = b""
                    for chunk in response.iter_bytes():
                        content += chunk
                        if len(content) > _ERROR_ANSWER_LIMIT:
                            break
                    reraise_fault(operation.element, content)
                    raise HttpStatusError(operation.element, response.status_code, url)
                # From here SAT is serving the package, and counts it as one of its two downloads.
                reader = DownloadReader(operation.element, sink)
                for chunk in response.iter_bytes():
                    reader.feed(chunk)
                result = reader.close()
        except httpx.TimeoutException as error:
            if reader is not None:
                raise BrokenDownloadError(operation.element, reader.received, type(error).__name__) from None
            raise SatTimeoutError(operation.element, type(error).__name__) from None
        except httpx.TransportError as error:
            detail = str(error) or type(error).__name__
            if reader is not None:
                raise BrokenDownloadError(operation.element, reader.received, detail) from None
            raise SatConnectionError(operation.element, url, detail) from None
        _log.debug("SAT %s answered HTTP 200 (%d bytes)", operation.element, reader.received)
        if result.status.is_transient and result.size:
            raise BrokenDownloadError(
                operation.element, reader.received, f"a package with code {result.status}"
            )
        return result

    def _post(self, operation: Operation, envelope: bytes, token: Token | None) -> bytes:
        url = self.endpoints.url_for(operation)
        try:
            response = self._http.post(url, content=envelope, headers=self._headers(operation, token))
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
