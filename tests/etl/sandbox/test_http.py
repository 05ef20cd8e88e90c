"""What the sandbox answers to HTTP that is not one of SAT's operations."""

from __future__ import annotations

import httpx

from etl.sandbox import SandboxServer

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
