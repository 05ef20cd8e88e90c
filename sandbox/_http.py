"""HTTP: routes SAT's paths and SOAPActions to the service, and applies the faults drawn for each call."""

from __future__ import annotations

import base64
import contextlib
import logging
import socket
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lxml import etree

from sandbox._codes import Code
from sandbox._consulta import CONSULTA_ACTION, CONSULTA_PATH, ConsultaService
from sandbox._faults import Fault, FaultRule, Faults, Operation
from sandbox._lists import PublishedLists
from sandbox._responses import (
    authenticate_response,
    coded_error_response,
    download_envelope,
    fault_response,
    query_response,
    verify_response,
)
from sandbox._service import AuthenticationRefusedError, CallRejectedError, Service
from sandbox._xml import SOAP, XMLSchemaError, local_name, parse_envelope

__all__ = ["SandboxHTTPServer"]

_log = logging.getLogger("sandbox")

_AUTH_NS = "http://DescargaMasivaTerceros.gob.mx"
_DES_ACTIONS = "http://DescargaMasivaTerceros.sat.gob.mx"
_MAX_REQUEST_BYTES = 1_000_000
_HANG_SECONDS = 3600.0
_VERIFY = "VerificaSolicitudDescarga"
_CHUNK = 3 * 64 * 1024  # a multiple of 3, so base64 of each chunk concatenates into the base64 of the file


@dataclass(frozen=True)
class _Route:
    operation: Operation
    actions: dict[str, str]  # SOAPAction -> body element (the SOAP operation's name)


_ROUTES = {
    "/Autenticacion/Autenticacion.svc": _Route(
        Operation.AUTHENTICATE, {f"{_AUTH_NS}/IAutenticacion/Autentica": "Autentica"}
    ),
    "/SolicitaDescargaService.svc": _Route(
        Operation.QUERY,
        {
            f"{_DES_ACTIONS}/ISolicitaDescargaService/SolicitaDescarga{kind}": f"SolicitaDescarga{kind}"
            for kind in ("Emitidos", "Recibidos", "Folio")
        },
    ),
    "/VerificaSolicitudDescargaService.svc": _Route(
        Operation.VERIFY,
        {f"{_DES_ACTIONS}/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga": _VERIFY},
    ),
    "/DescargaMasivaService.svc": _Route(
        Operation.DOWNLOAD,
        {f"{_DES_ACTIONS}/IDescargaMasivaTercerosService/Descargar": "PeticionDescargaMasivaTercerosEntrada"},
    ),
}
_SERVICES = ("cfdi", "retenciones")
_Request = socket.socket | tuple[bytes, socket.socket]
_QUERY_KINDS = {"SolicitaDescargaEmitidos": "emitidos", "SolicitaDescargaRecibidos": "recibidos",
                "SolicitaDescargaFolio": "folio"}  # fmt: skip


@dataclass
class _Reply:
    status: int
    chunks: Iterator[bytes]
    length: int
    content_type: str = 'text/xml; charset="utf-8"'
    headers: dict[str, str] | None = None


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its service, its faults, and every connection it holds open."""

    daemon_threads = True
    lists: PublishedLists | None = None  # SAT's published lists, served by GET under /listas/

    def __init__(
        self, address: tuple[str, int], service: Service, faults: Faults, consulta: ConsultaService
    ) -> None:
        super().__init__(address, _Handler)
        self.service = service
        self.consulta = consulta
        self.faults = faults
        self.stopping = threading.Event()
        self.calls: Counter[Operation] = Counter()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.calls_lock = threading.Lock()

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: _Request, client_address: object) -> None:
        # A client that gives up mid-answer (a timeout, a test's HANG) is normal here, not a server error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            _log.info("client %s went away before the answer was complete", client_address)
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Cut kept-alive connections, so no client talks to a stopped server through an old socket."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each small answer waited ~40 ms for
    # the client's delayed ACK.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return "Microsoft-IIS/10.0"  # as SAT's servers say; keeps clients from keying on "sandbox"

    def log_message(self, format: str, *args: object) -> None:
        _log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        if self.server.lists is not None and self.path.startswith(self.server.lists.base_path):
            self._send(_list_file(self.server.lists, self.path, self.headers.get("If-Modified-Since")))
            return
        self._refuse(_plain(405, "SAT's services answer POST only"))

    def do_POST(self) -> None:
        if self.path.split("?")[0] == CONSULTA_PATH:
            self._consulta()
            return
        service, _, path = self.path.lstrip("/").partition("/")
        route = _ROUTES.get("/" + path.split("?")[0])
        if service not in _SERVICES or route is None:
            self._refuse(_plain(404, f"no SAT service at {self.path}"))
            return
        length = self._body_length()
        if not length:
            status = 411 if length == 0 or "Transfer-Encoding" in self.headers else 413
            reply = _plain(status, "a SOAP request needs a body under 1 MB, with Content-Length")
            self._send(reply, close=True)
            return
        body = self.rfile.read(length)
        with self.server.calls_lock:
            self.server.calls[route.operation] += 1
        fault = self.server.faults.draw(route.operation)
        if fault is not None and self._misbehave(fault):
            return
        reply = self._answer(service, route, body, fault)
        if fault is not None and fault.fault is Fault.LOSE_ANSWER:
            self.close_connection = True  # done, but the answer never leaves
        elif fault is not None and fault.fault is Fault.TRUNCATE:
            self._send_truncated(reply)
        else:
            self._send(reply)

    def _consulta(self) -> None:
        """ConsultaCFDIService: no token, no signature, one document per call."""
        length = self._body_length()
        if not length:
            self._send(_plain(411, "a SOAP request needs a body under 1 MB, with Content-Length"), close=True)
            return
        body = self.rfile.read(length)
        with self.server.calls_lock:
            self.server.calls[Operation.CONSULTA] += 1
        fault = self.server.faults.draw(Operation.CONSULTA)
        if fault is not None and self._misbehave(fault):
            return
        action = (self.headers.get("SOAPAction") or "").strip().strip('"')
        if action != CONSULTA_ACTION:
            reply = _xml(500, fault_response("a:ActionNotSupported", _action_not_supported(action)))
        else:
            reply = _xml(*self.server.consulta.answer(body))
        if fault is not None and fault.fault is Fault.TRUNCATE:
            self._send_truncated(reply)
        else:
            self._send(reply)

    def _misbehave(self, rule: FaultRule) -> bool:
        """Apply a fault that replaces or delays the answer; True when the answer must not be sent."""
        _log.info("fault %s on %s", rule.fault, self.path)
        if rule.fault is Fault.HTTP_500:
            self._send(_plain(500, "<html><body><h1>Runtime Error</h1></body></html>", "text/html"))
            return True
        if rule.fault is Fault.DROP:
            self.close_connection = True
            return True
        if rule.fault is Fault.HANG:
            self.server.stopping.wait(_HANG_SECONDS)
            self.close_connection = True
            return True
        if rule.fault is Fault.SLOW:
            self.server.stopping.wait(rule.delay_seconds)
        if rule.fault is Fault.EXPIRE_TOKEN:
            self.server.service.revoke(self.headers.get("Authorization"))
        return False

    def _answer(  # noqa: PLR0911 -- one answer per way a call can end, as SAT has them
        self, service: str, route: _Route, body: bytes, fault: FaultRule | None
    ) -> _Reply:
        action = (self.headers.get("SOAPAction") or "").strip().strip('"')
        operation = route.actions.get(action)
        if operation is None:
            return _xml(500, fault_response("a:ActionNotSupported", _action_not_supported(action)))
        try:
            body_element = parse_envelope(body)
        except XMLSchemaError as error:
            return _xml(500, fault_response("s:Client", str(error)))
        coded_name = "Descargar" if route.operation is Operation.DOWNLOAD else operation
        if fault is not None and fault.fault is Fault.CODE_404:
            return _xml(200, coded_error_response(coded_name, Code.UNCONTROLLED_ERROR))
        if route.operation is Operation.AUTHENTICATE:
            return self._authenticate(service, body_element)
        request = _request_element(body_element, operation)
        if request is None:
            return _xml(200, coded_error_response(coded_name, Code.MALFORMED))
        authorization = self.headers.get("Authorization")
        service_ = self.server.service
        try:
            if route.operation is Operation.QUERY:
                stuck = fault is not None and fault.fault is Fault.STUCK
                late = fault.delay_seconds if fault is not None and fault.fault is Fault.LATE else 0.0
                answer = service_.query(
                    service, _QUERY_KINDS[operation], authorization, request, stuck=stuck, late_seconds=late
                )
                return _xml(200, query_response(operation, answer.code, answer.message, answer.request_id))
            if route.operation is Operation.VERIFY:
                return _xml(200, verify_response(service_.verify(service, authorization, request)))
            download = service_.download(service, authorization, request)
        except CallRejectedError as rejected:
            return _xml(200, coded_error_response(coded_name, rejected.code))
        if download.package is None:
            return _xml(200, coded_error_response(coded_name, download.code))
        return _package(download.code, download.package)

    def _authenticate(self, service: str, body: etree._Element) -> _Reply:
        envelope = body.getparent()
        header = None if envelope is None else envelope.find(f"{{{SOAP}}}Header")
        try:
            answer = self.server.service.authenticate(service, header)
        except AuthenticationRefusedError as refused:
            _log.info("Autentica refused: %s", refused)
            return _xml(
                500,
                fault_response(
                    "a:InvalidSecurity", "An error occurred when verifying security for the message."
                ),
            )
        return _xml(200, authenticate_response(answer))

    def _body_length(self) -> int | None:
        """The body's declared length; None when it cannot be read whole (chunked, unsound, over 1 MB)."""
        if "Transfer-Encoding" in self.headers:
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        return length if 0 <= length <= _MAX_REQUEST_BYTES else None

    def _refuse(self, reply: _Reply) -> None:
        """Answer without serving; keep the connection for the next call when the body can be skipped."""
        length = self._body_length()
        if length:
            self.rfile.read(length)
        self._send(reply, close=length is None)

    def _send(self, reply: _Reply, limit: int | None = None, *, close: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(reply.length))
        for name, value in (reply.headers or {}).items():
            self.send_header(name, value)
        if close:  # said in the answer, so the client does not race the close with its next call
            self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        for chunk in reply.chunks:
            if limit is not None and sent + len(chunk) >= limit:
                self.wfile.write(chunk[: limit - sent])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(chunk)
            sent += len(chunk)

    def _send_truncated(self, reply: _Reply) -> None:
        self._send(reply, limit=max(1, reply.length // 2))


def _request_element(body: etree._Element, operation: str) -> etree._Element | None:
    for element in body:
        if isinstance(element.tag, str) and local_name(element).lower() == operation.lower():
            for child in element:
                if isinstance(child.tag, str) and local_name(child).lower() in (
                    "solicitud",
                    "peticiondescarga",
                ):
                    return child
    return None


def _xml(status: int, data: bytes) -> _Reply:
    return _Reply(status, iter((data,)), len(data))


def _plain(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> _Reply:
    data = text.encode()
    return _Reply(status, iter((data,)), len(data), content_type)


def _package(code: Code, path: Path) -> _Reply:
    head, tail = download_envelope(code, code.message, with_package=True)
    size = path.stat().st_size
    encoded = 4 * ((size + 2) // 3)

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while block := handle.read(_CHUNK):
                yield base64.b64encode(block)
        yield tail

    return _Reply(200, chunks(), len(head) + encoded + len(tail))


def _list_file(lists: PublishedLists, path: str, if_modified_since: str | None) -> _Reply:
    """A list file as SAT's blob store serves it: octet-stream, Last-Modified, 304 when not newer."""
    found = lists.file(path[len(lists.base_path) :].split("?", maxsplit=1)[0])
    if found is None:
        return _plain(404, f"no list file at {path}")
    since = None
    with contextlib.suppress(TypeError, ValueError, IndexError):
        since = parsedate_to_datetime(if_modified_since) if if_modified_since else None
    modified = format_datetime(found.last_modified, usegmt=True)
    if since is not None and since.tzinfo is not None and found.last_modified <= since:
        return _Reply(304, iter(()), 0, headers={"Last-Modified": modified})
    return _Reply(200, iter((found.content,)), len(found.content), "application/octet-stream",
                  {"Last-Modified": modified})  # fmt: skip


def _action_not_supported(action: str) -> str:
    return (
        f"The message with Action '{action}' cannot be processed at the receiver, due to a ContractFilter "
        "mismatch at the EndpointDispatcher."
    )
