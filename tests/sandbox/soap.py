"""Small helpers for tests that talk to the sandbox over HTTP without the client (to see raw answers)."""

from __future__ import annotations

import datetime as dt

import httpx
from lxml import etree

from tests.sandbox.envelopes import Signer, http_headers

__all__ = ["PATHS", "Answer", "post", "result_attributes", "token_for"]

PATHS = {
    "Autentica": "/Autenticacion/Autenticacion.svc",
    "SolicitaDescargaEmitidos": "/SolicitaDescargaService.svc",
    "SolicitaDescargaRecibidos": "/SolicitaDescargaService.svc",
    "SolicitaDescargaFolio": "/SolicitaDescargaService.svc",
    "VerificaSolicitudDescarga": "/VerificaSolicitudDescargaService.svc",
    "PeticionDescargaMasivaTercerosEntrada": "/DescargaMasivaService.svc",
}


class Answer:
    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.root = etree.fromstring(
            response.content, etree.XMLParser(resolve_entities=False, huge_tree=True)
        )

    def find(self, local: str) -> etree._Element:
        found = self.root.xpath(f"//*[local-name()='{local}']")
        assert isinstance(found, list)
        assert found, f"no {local} in the answer"
        element = found[0]
        assert isinstance(element, etree._Element)
        return element

    def text(self, local: str) -> str:
        return (self.find(local).text or "").strip()


def post(base_url: str, service: str, operation: str, body: bytes, token: str | None = None) -> Answer:
    url = f"{base_url}/{service}{PATHS[operation]}"
    return Answer(httpx.post(url, content=body, headers=http_headers(operation, token), timeout=30))


def result_attributes(answer: Answer, local: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in answer.find(local).attrib.items()}


def token_for(base_url: str, signer: Signer, service: str = "cfdi") -> str:
    now = dt.datetime.now(dt.UTC)
    answer = post(base_url, service, "Autentica", signer.authenticate(now, now + dt.timedelta(minutes=5)))
    assert answer.status == 200, etree.tostring(answer.root)
    return answer.text("AutenticaResult")
