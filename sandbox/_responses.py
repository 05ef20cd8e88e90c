"""The envelopes the sandbox answers with, shaped like SAT's captured responses.

None starts with an XML declaration: SAT's recorded answers carry none that names an encoding, and a
client that parses the answer's decoded text (python-cfdiclient: `etree.fromstring(response.text)`) fails
on one that does.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from sandbox._codes import Code
from sandbox._service import AuthAnswer, VerifyAnswer
from sandbox._xml import DES, SOAP, WSSE, WSU

__all__ = [
    "authenticate_response",
    "coded_error_response",
    "download_envelope",
    "fault_response",
    "query_response",
    "verify_response",
]

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XSD = "http://www.w3.org/2001/XMLSchema"
_BODY = f'<s:Body xmlns:xsi="{_XSI}" xmlns:xsd="{_XSD}">'


def authenticate_response(answer: AuthAnswer) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP}" xmlns:u="{WSU}"><s:Header>'
        f'<o:Security xmlns:o="{WSSE}" s:mustUnderstand="1"><u:Timestamp u:Id="_0">'
        f"<u:Created>{_instant(answer.created)}</u:Created><u:Expires>{_instant(answer.expires)}</u:Expires>"
        f'</u:Timestamp></o:Security></s:Header><s:Body><AutenticaResponse xmlns="http://DescargaMasivaTerceros.gob.mx">'
        f"<AutenticaResult>{escape(answer.token)}</AutenticaResult></AutenticaResponse></s:Body></s:Envelope>"
    ).encode()


_ADDRESSING_NONE = "http://schemas.microsoft.com/ws/2005/05/addressing/none"
_FAULT_NAMESPACES = {"a:InvalidSecurity": WSSE, "a:ActionNotSupported": _ADDRESSING_NONE}


def fault_response(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault; `a:` codes carry the namespace WCF gives them (WS-Security, WS-Addressing)."""
    namespace = _FAULT_NAMESPACES.get(code)
    declaration = "" if namespace is None else f' xmlns:a="{namespace}"'
    return (
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault>'
        f"<faultcode{declaration}>{escape(code)}</faultcode>"
        f'<faultstring xml:lang="en-US">{escape(message)}</faultstring></s:Fault></s:Body></s:Envelope>'
    ).encode()


def query_response(operation: str, code: Code, message: str, request_id: str | None) -> bytes:
    id_attribute = "" if request_id is None else f" IdSolicitud={quoteattr(request_id)}"
    return (
        f'<s:Envelope xmlns:s="{SOAP}">{_BODY}<{operation}Response xmlns="{DES}">'
        f'<{operation}Result{id_attribute} CodEstatus="{int(code)}" Mensaje={quoteattr(message)} />'
        f"</{operation}Response></s:Body></s:Envelope>"
    ).encode()


def coded_error_response(operation: str, code: Code) -> bytes:
    """A call refused before its parameters were read (300, 302-305, 404): CodEstatus and Mensaje only."""
    if operation == "Descargar":
        head, tail = download_envelope(code, code.message, with_package=False)
        return head + tail
    return query_response(operation, code, code.message, None)


def verify_response(answer: VerifyAnswer) -> bytes:
    packages = "".join(f"<IdsPaquetes>{escape(p)}</IdsPaquetes>" for p in answer.package_ids)
    return (
        f'<s:Envelope xmlns:s="{SOAP}">{_BODY}<VerificaSolicitudDescargaResponse xmlns="{DES}">'
        f'<VerificaSolicitudDescargaResult CodEstatus="{int(answer.code)}"'
        f' EstadoSolicitud="{int(answer.state)}"'
        f' CodigoEstadoSolicitud="{int(answer.state_code)}" NumeroCFDIs="{answer.document_count}"'
        f" Mensaje={quoteattr(answer.code.message)}>{packages}</VerificaSolicitudDescargaResult>"
        f"</VerificaSolicitudDescargaResponse></s:Body></s:Envelope>"
    ).encode()


def download_envelope(code: Code, message: str, *, with_package: bool) -> tuple[bytes, bytes]:
    """The envelope around a package, split where the base64 text goes (streamed by the caller)."""
    head = (
        f'<s:Envelope xmlns:s="{SOAP}"><s:Header>'
        f'<h:respuesta CodEstatus="{int(code)}" Mensaje={quoteattr(message)}'
        f' xmlns:h="{DES}" xmlns="{DES}" xmlns:xsd="{_XSD}" xmlns:xsi="{_XSI}" /></s:Header>{_BODY}'
        f'<RespuestaDescargaMasivaTercerosSalida xmlns="{DES}"><Paquete>'
    )
    tail = "</Paquete></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>"
    if not with_package:
        head = head.removesuffix("<Paquete>")
        tail = "<Paquete />" + tail.removeprefix("</Paquete>")
    return head.encode(), tail.encode()


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
