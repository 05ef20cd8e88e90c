"""ConsultaCFDIService: the status of one CFDI of the corpus, as SAT's public service answers it.

The corpus says when (if ever) each document is cancelled; this module adds the states SAT's metadata
never shows, as pure functions of (seed, UUID) placed around that moment on the sandbox's clock:

- a document cancelled with the receiver's acceptance is `En proceso` from its request (1 to 71 hours
  before the cancellation) until it, then `Cancelado con aceptación`; one whose receiver never answered
  is `En proceso` for exactly 72 hours, then `Plazo vencido`; a small one (total up to 1,000, or a N, T
  or P document) is cancelled at once, `Cancelado sin aceptación`;
- one vigente document of every eight that need acceptance had a request the receiver rejected: `En
  proceso` from a day or more after it was stamped, then `Solicitud rechazada` (and still `Vigente`);
- one vigente document in ten that need acceptance is `No cancelable` (it has related documents);
- `ValidacionEFOS` is `100` (issuer on the definitive 69-B list) for one issuer RFC in 25, else `200`.

A UUID the corpus never issued, a Retenciones document (SAT serves them elsewhere), one issued after the
clock's now, or an expression whose RFCs or total do not match is `N - 602` / `No Encontrado`; an
expression without id, re, rr and tt is `N - 601`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from lxml import etree

from sandbox._xml import SOAP, XMLSchemaError, local_name, parse_envelope
from sandbox.corpus import Corpus, CorpusDocument

__all__ = ["CONSULTA_ACTION", "CONSULTA_PATH", "ConsultaService", "StatusOfDocument"]

CONSULTA_PATH = "/consulta/ConsultaCFDIService.svc"
CONSULTA_ACTION = "http://tempuri.org/IConsultaCFDIService/Consulta"
# The sandbox's Mexico time, a fixed offset as the bulk-download service uses.
_MEXICO = dt.timezone(dt.timedelta(hours=-6), "America/Mexico_City")
_TEMPURI = "http://tempuri.org/"
_RESULT_NS = "http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio"
_FOUND = "S - Comprobante obtenido satisfactoriamente."
_INVALID = "N - 601: La expresión impresa proporcionada no es válida."
_NOT_FOUND = "N - 602: Comprobante no encontrado."
# A value runs to the next `&key=`, so an RFC holding `&` stays whole.
_PARAMETER = re.compile(r"(?:^|[?&])(id|re|rr|tt|fe)=(.*?)(?=&(?:id|re|rr|tt|fe)=|$)", re.IGNORECASE)
_ACCEPTANCE_LIMIT = Decimal(1000)
_ANSWER_HOURS = 72
_WITHOUT_ACCEPTANCE_TYPES = frozenset({"N", "T", "P"})
_TOTAL = re.compile(rb'\bTotal="([^"]*)"')


@dataclass(frozen=True, slots=True)
class StatusOfDocument:
    """One ConsultaResult's fields, as SAT spells them."""

    codigo_estatus: str
    estado: str
    es_cancelable: str = ""
    estatus_cancelacion: str = ""
    validacion_efos: str = ""


_NOT_FOUND_STATUS = StatusOfDocument(_NOT_FOUND, "No Encontrado")


def _draw(seed: int, *parts: str) -> int:
    text = "\x1f".join((str(seed), *parts)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


class ConsultaService:
    """Answers Consulta envelopes from the corpus as of `clock()` (seconds since the epoch)."""

    def __init__(self, corpus: Corpus, seed: int, clock: Callable[[], float]) -> None:
        self._corpus = corpus
        self._seed = seed
        self._clock = clock

    def answer(self, body: bytes) -> tuple[int, bytes]:
        """HTTP status and envelope for one request body."""
        try:
            expression = _expression(parse_envelope(body))
        except XMLSchemaError as error:
            return 500, _fault(str(error))
        if expression is None:
            return 500, _fault("the request has no Consulta/expresionImpresa")
        return 200, _result(self.status(expression))

    def status(self, expression: str) -> StatusOfDocument:
        fields = {name.lower(): value for name, value in _PARAMETER.findall(expression)}
        if not all(fields.get(name) for name in ("id", "re", "rr", "tt")):
            return StatusOfDocument(_INVALID, "No Encontrado")
        document = self._corpus.lookup(fields["id"])
        now = dt.datetime.fromtimestamp(self._clock(), _MEXICO).replace(tzinfo=None)
        if document is None or not document.document_type or document.issued_at > now:
            return _NOT_FOUND_STATUS
        total = _total(document)
        if (
            fields["re"].upper() != document.issuer_rfc
            or fields["rr"].upper() != document.receiver_rfc
            or _amount(fields["tt"]) != total
        ):
            return _NOT_FOUND_STATUS
        return self._state(document, total, now)

    def _state(self, document: CorpusDocument, total: Decimal, now: dt.datetime) -> StatusOfDocument:
        bits = _draw(self._seed, "consulta", document.uuid)
        efos = "100" if _draw(self._seed, "efos", document.issuer_rfc) % 25 == 0 else "200"
        without_acceptance = total <= _ACCEPTANCE_LIMIT or document.document_type in _WITHOUT_ACCEPTANCE_TYPES
        cancelled_at = document.cancelled_at
        if without_acceptance:
            cancelable = "Cancelable sin aceptación"
            if cancelled_at is not None and cancelled_at <= now:
                return StatusOfDocument(_FOUND, "Cancelado", cancelable, "Cancelado sin aceptación", efos)
            return StatusOfDocument(_FOUND, "Vigente", cancelable, "", efos)
        cancelable = "Cancelable con aceptación"
        if cancelled_at is not None:
            expired = bits % 3 == 0
            asked = cancelled_at - dt.timedelta(hours=_ANSWER_HOURS if expired else 1 + (bits >> 8) % 71)
            if now >= cancelled_at:
                final = "Plazo vencido" if expired else "Cancelado con aceptación"
                return StatusOfDocument(_FOUND, "Cancelado", cancelable, final, efos)
            waiting = "En proceso" if now >= asked else ""
            return StatusOfDocument(_FOUND, "Vigente", cancelable, waiting, efos)
        if (bits >> 16) % 8 == 0:
            asked = document.issued_at + dt.timedelta(hours=24 + (bits >> 24) % 500)
            rejected = asked + dt.timedelta(hours=1 + (bits >> 40) % 71)
            waiting = "Solicitud rechazada" if now >= rejected else "En proceso" if now >= asked else ""
            return StatusOfDocument(_FOUND, "Vigente", cancelable, waiting, efos)
        if (bits >> 32) % 10 == 0:
            cancelable = "No cancelable"
        return StatusOfDocument(_FOUND, "Vigente", cancelable, "", efos)


def _total(document: CorpusDocument) -> Decimal:
    match = _TOTAL.search(document.xml)
    return Decimal(0) if match is None else Decimal(match.group(1).decode())


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _expression(body: etree._Element) -> str | None:
    for operation in body:
        if isinstance(operation.tag, str) and local_name(operation) == "Consulta":
            for child in operation:
                if isinstance(child.tag, str) and local_name(child) == "expresionImpresa":
                    return child.text or ""
    return None


def _fault(message: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
        f"<faultstring>{escape(message)}</faultstring></s:Fault></s:Body></s:Envelope>"
    ).encode()


def _result(status: StatusOfDocument) -> bytes:
    fields = (
        ("CodigoEstatus", status.codigo_estatus),
        ("EsCancelable", status.es_cancelable),
        ("Estado", status.estado),
        ("EstatusCancelacion", status.estatus_cancelacion),
        ("ValidacionEFOS", status.validacion_efos),
    )
    inner = "".join(f"<a:{name}>{escape(value)}</a:{name}>" for name, value in fields)
    return (
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><ConsultaResponse xmlns="{_TEMPURI}">'
        f'<ConsultaResult xmlns:a="{_RESULT_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        f"{inner}</ConsultaResult></ConsultaResponse></s:Body></s:Envelope>"
    ).encode()
