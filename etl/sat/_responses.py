"""Reading SAT's SOAP answers into typed results (protocol document, section 7).

Element and attribute names are matched by local name, ignoring letter case: SAT has changed both before.
The parser (`etl.parse._xml.secure_parser`) never resolves entities, loads a DTD or touches the network.
`Descargar`'s answer, whose package is hundreds of MB of base64, is read as it arrives by
`etl.sat._download` instead of as a tree.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from etl.parse._xml import secure_parser
from etl.sat._codes import CodEstatus, CodigoEstadoSolicitud, EstadoSolicitud
from etl.sat._download import DownloadReader
from etl.sat._envelopes import TOKEN_LIFETIME
from etl.sat._errors import EmptyResponseError, SoapFaultError, UnparseableResponseError

__all__ = [
    "DownloadResult",
    "QueryResult",
    "Token",
    "VerifyResult",
    "read_authentication",
    "read_download",
    "read_query",
    "read_verify",
    "reraise_fault",
]


@dataclass(frozen=True, slots=True)
class Token:
    """SAT's session token and its lifetime as SAT stated it (SAT's clock)."""

    value: str = field(repr=False)
    created: datetime
    expires: datetime

    @property
    def lifetime_seconds(self) -> float:
        return (self.expires - self.created).total_seconds()


@dataclass(frozen=True, slots=True)
class QueryResult:
    """SAT's answer to `SolicitaDescarga*`: the request id (empty when refused), the code and message."""

    request_id: str
    status: CodEstatus
    message: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """SAT's answer to `VerificaSolicitudDescarga`; `package_ids` only once the request is finished."""

    status: CodEstatus
    state: EstadoSolicitud
    state_code: CodigoEstadoSolicitud
    document_count: int
    package_ids: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """SAT's answer to `Descargar`: the zip's bytes (empty when SAT sent none) and the code."""

    status: CodEstatus
    message: str
    package: bytes = field(repr=False)


def read_authentication(operation: str, content: bytes) -> Token:
    envelope = _envelope(operation, content)
    result = _path(envelope, "body", "autenticaresponse", "autenticaresult")
    token = (result.text or "").strip() if result is not None else ""
    if not token:
        raise UnparseableResponseError(operation, "no AutenticaResult token in the answer")
    timestamp = _path(envelope, "header", "security", "timestamp")
    created = _timestamp_field(operation, timestamp, "created")
    expires = _timestamp_field(operation, timestamp, "expires")
    if created is None or expires is None:
        # Without SAT's own lifetime, assume the documented one from now.
        created = datetime.now(UTC)
        expires = created + TOKEN_LIFETIME
    return Token(value=token, created=created, expires=expires)


def read_query(operation: str, content: bytes) -> QueryResult:
    envelope = _envelope(operation, content)
    body = _path(envelope, "body")
    response = _child_ending(body, "response") if body is not None else None
    result = _child_ending(response, "result") if response is not None else None
    if result is None:
        raise UnparseableResponseError(operation, "no SolicitaDescarga…Result element in the answer")
    attributes = _attributes(result)
    return QueryResult(
        request_id=attributes.get("idsolicitud", "").strip(),
        status=CodEstatus(_integer(operation, attributes, "codestatus")),
        message=attributes.get("mensaje", ""),
    )


def read_verify(operation: str, content: bytes) -> VerifyResult:
    envelope = _envelope(operation, content)
    result = _path(envelope, "body", "verificasolicituddescargaresponse", "verificasolicituddescargaresult")
    if result is None:
        raise UnparseableResponseError(operation, "no VerificaSolicitudDescargaResult element in the answer")
    attributes = _attributes(result)
    package_ids = tuple(text for child in result if _local(child) == "idspaquetes" and (text := _text(child)))
    return VerifyResult(
        status=CodEstatus(_integer(operation, attributes, "codestatus")),
        # SAT leaves the state out when it refuses the call itself (CodEstatus not 5000): 0 then.
        state=EstadoSolicitud(_integer(operation, attributes, "estadosolicitud", default=0)),
        state_code=CodigoEstadoSolicitud(_integer(operation, attributes, "codigoestadosolicitud", default=0)),
        document_count=_integer(operation, attributes, "numerocfdis", default=0),
        package_ids=package_ids,
        message=attributes.get("mensaje", ""),
    )


def read_download(operation: str, content: bytes) -> DownloadResult:
    """A whole answer read at once (the client streams instead: `SatClient.download_to`)."""
    if not content.strip():
        raise EmptyResponseError(operation)
    sink = io.BytesIO()
    reader = DownloadReader(operation, sink)
    reader.feed(content)
    result = reader.close()
    return DownloadResult(status=result.status, message=result.message, package=sink.getvalue())


def reraise_fault(operation: str, content: bytes) -> None:
    """Raise the `SoapFaultError` an HTTP error answer carries, if it carries one."""
    with contextlib.suppress(EmptyResponseError, UnparseableResponseError):
        _envelope(operation, content)


def _envelope(operation: str, content: bytes) -> etree._Element:
    """The parsed envelope; a SOAP Fault, an empty body or non-XML raise their own errors."""
    if not content.strip():
        raise EmptyResponseError(operation)
    try:
        # A fresh parser per call: lxml parsers are not thread-safe, and clients may run in threads.
        envelope: etree._Element = etree.fromstring(content, secure_parser())
    except etree.XMLSyntaxError as error:
        raise UnparseableResponseError(operation, f"not XML: {error.msg}") from None
    if _local(envelope) != "envelope":
        raise UnparseableResponseError(
            operation, f"the root element is {_local(envelope)!r}, not a SOAP Envelope"
        )
    fault = _path(envelope, "body", "fault")
    if fault is not None:
        raise SoapFaultError(operation, _text(_path(fault, "faultcode")), _text(_path(fault, "faultstring")))
    return envelope


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.lower()


def _path(element: etree._Element, *names: str) -> etree._Element | None:
    """Follow child elements by lower-cased local name."""
    current: etree._Element | None = element
    for name in names:
        if current is None:
            return None
        current = next((child for child in current if _local(child) == name), None)
    return current


def _child_ending(element: etree._Element, suffix: str) -> etree._Element | None:
    return next((child for child in element if _local(child).endswith(suffix)), None)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False).strip()


def _attributes(element: etree._Element) -> dict[str, str]:
    return {etree.QName(name).localname.lower(): str(value) for name, value in element.attrib.items()}


def _integer(operation: str, attributes: dict[str, str], name: str, default: int | None = None) -> int:
    raw = attributes.get(name, "").strip()
    if not raw and default is not None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise UnparseableResponseError(operation, f"attribute {name} is {raw!r}, not a number") from None


def _timestamp_field(operation: str, timestamp: etree._Element | None, name: str) -> datetime | None:
    if timestamp is None:
        return None
    text = _text(_path(timestamp, name))
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UnparseableResponseError(operation, f"the token's {name} time {text!r} is not a date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
