"""What the sandbox answers to HTTP that is not one of SAT's operations."""

from __future__ import annotations

import socket

import httpx

from sandbox import SandboxServer

_VERIFY_ACTION = (
    "http://DescargaMasivaTerceros.sat.gob.mx/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga"
)


def test_unknown_paths_and_methods_are_refused_and_the_connection_stays_usable(
    sandbox: SandboxServer,
) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        assert client.post("/cfdi/Nada.svc", content=b"<x/>").status_code == 404
        assert client.post("/otra/SolicitaDescargaService.svc", content=b"<x/>").status_code == 404
        assert client.get("/cfdi/SolicitaDescargaService.svc").status_code == 405
        not_xml = client.post(
            "/cfdi/VerificaSolicitudDescargaService.svc",
            content=b"not xml",
            headers={"SOAPAction": _VERIFY_ACTION},
        )
        assert not_xml.status_code == 500
        assert b"<faultcode>s:Client</faultcode>" in not_xml.content
        assert client.post("/cfdi/Nada.svc", content=b"<x/>").status_code == 404


def test_an_entity_in_a_request_is_not_expanded(sandbox: SandboxServer) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&x;</s:Body></s:Envelope>'
    )
    response = httpx.post(
        f"{sandbox.base_url}/cfdi/VerificaSolicitudDescargaService.svc",
        content=body,
        headers={"SOAPAction": _VERIFY_ACTION},
    )
    assert b"root:" not in response.content
    assert response.status_code == 200
    assert b'CodEstatus="301"' in response.content  # no request element: XML mal formado


def _exchange(sandbox: SandboxServer, raw: bytes) -> bytes:
    """Send raw bytes on one connection and read until the server closes it."""
    host, port = sandbox.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(raw)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_a_refused_call_with_a_body_leaves_the_connection_ready_for_the_next_call(
    sandbox: SandboxServer,
) -> None:
    unknown = b"POST /cfdi/Nada.svc HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n<x/>"
    last = b"GET /cfdi/SolicitaDescargaService.svc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answers = _exchange(sandbox, unknown + unknown + last)
    assert answers.count(b"HTTP/1.1 404 ") == 2
    assert b"HTTP/1.1 405 " in answers
    assert b"Connection: close" not in answers.split(b"HTTP/1.1 405 ")[0]


def test_a_body_that_cannot_be_read_is_answered_with_connection_close(sandbox: SandboxServer) -> None:
    query = b"POST /cfdi/SolicitaDescargaService.svc HTTP/1.1\r\nHost: x\r\n"
    too_large = query + b"Content-Length: 2000000\r\n\r\n"
    chunked = (
        b"POST /cfdi/Nada.svc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<x/>\r\n0\r\n\r\n"
    )
    no_body = query + b"\r\n"
    for raw, status in ((too_large, b"413"), (chunked, b"404"), (no_body, b"411")):
        answer = _exchange(sandbox, raw)
        assert answer.startswith(b"HTTP/1.1 " + status + b" ")
        assert b"\r\nConnection: close\r\n" in answer
        assert answer.count(b"HTTP/1.1 ") == 1
