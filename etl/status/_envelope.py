"""The SOAP request for one Consulta, as SAT's ConsultaCFDIService expects it."""

from __future__ import annotations

from xml.sax.saxutils import escape

__all__ = ["CONSULTA_PATH", "HEADERS", "envelope"]

CONSULTA_PATH = "/ConsultaCFDIService.svc"
HEADERS = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": "http://tempuri.org/IConsultaCFDIService/Consulta",
}


def envelope(expression: str) -> bytes:
    """`s:Envelope/s:Body/Consulta/expresionImpresa` in `http://tempuri.org/`, the expression XML-escaped."""
    return (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<Consulta xmlns="http://tempuri.org/">'
        f"<expresionImpresa>{escape(expression)}</expresionImpresa>"
        "</Consulta></s:Body></s:Envelope>"
    ).encode()
