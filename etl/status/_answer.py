"""SAT's answer to one Consulta: the typed values, and the parser that reads them from the SOAP envelope.

The parser is the project's secure one (`etl.parse._xml.secure_parser`): no entities, no DTD, no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from lxml import etree

from etl.parse._xml import secure_parser

__all__ = [
    "Cancellability",
    "CancellationStatus",
    "DocumentState",
    "EfosValidation",
    "StatusAnswer",
    "UnreadableAnswerError",
    "read_answer",
]

_TEMPURI = "http://tempuri.org/"
_RESULT_NS = "http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio"
_SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
_E = TypeVar("_E", bound=StrEnum)
# ValidacionEFOS codes that mean the issuer is on SAT's definitive 69-B list.
_LISTED = frozenset({"100", "101", "104"})


class UnreadableAnswerError(Exception):
    """The service answered something that is not a ConsultaResult; the message says what came."""


class DocumentState(StrEnum):
    """`Estado`: what SAT says the document is now."""

    VIGENTE = "Vigente"
    CANCELADO = "Cancelado"
    NO_ENCONTRADO = "No Encontrado"

    @property
    def estatus(self) -> str:
        """The warehouse's word for it, as `estatus_historial.estatus` spells it."""
        return {"Vigente": "vigente", "Cancelado": "cancelado"}.get(self.value, "no_encontrado")


class Cancellability(StrEnum):
    """`EsCancelable`; NONE when SAT leaves it empty (a document it did not find)."""

    SIN_ACEPTACION = "Cancelable sin aceptación"
    CON_ACEPTACION = "Cancelable con aceptación"
    NO_CANCELABLE = "No cancelable"
    NONE = ""


class CancellationStatus(StrEnum):
    """`EstatusCancelacion`: where a cancellation request stands; NONE when nobody asked for one."""

    NONE = ""
    EN_PROCESO = "En proceso"
    SOLICITUD_RECHAZADA = "Solicitud rechazada"
    CANCELADO_CON_ACEPTACION = "Cancelado con aceptación"
    CANCELADO_SIN_ACEPTACION = "Cancelado sin aceptación"
    PLAZO_VENCIDO = "Plazo vencido"


@dataclass(frozen=True, slots=True)
class EfosValidation:
    """`ValidacionEFOS`: SAT's code (empty when the CFDI was not found) and whether it names a 69-B EFOS."""

    code: str

    @property
    def issuer_listed(self) -> bool | None:
        """True for 100/101/104 (issuer on the definitive 69-B list), None when SAT gave no code."""
        return None if not self.code else self.code in _LISTED


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """One ConsultaResult, typed; `codigo_estatus` is SAT's text as sent (`S - ...`, `N - 601: ...`)."""

    codigo_estatus: str
    estado: DocumentState
    es_cancelable: Cancellability
    estatus_cancelacion: CancellationStatus
    validacion_efos: EfosValidation

    @property
    def found(self) -> bool:
        return self.codigo_estatus.startswith("S")

    @property
    def invalid_expression(self) -> bool:
        """SAT's 601: the expression itself was refused (a bug in what was sent, not the document's state)."""
        return "601" in self.codigo_estatus


def _text(result: etree._Element, name: str) -> str:
    element = result.find(f"{{{_RESULT_NS}}}{name}")
    if element is None:
        # A few clients report the fields without namespace; accept them the same way.
        element = result.find(name)
    return "" if element is None or element.text is None else element.text.strip()


def _enum(kind: type[_E], value: str, field: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(repr(v.value) for v in kind)
        raise UnreadableAnswerError(f"{field} {value!r} is none of SAT's values ({known})") from None


def read_answer(content: bytes) -> StatusAnswer:
    """The typed ConsultaResult of an answer; UnreadableAnswerError for anything else (a fault, HTML)."""
    try:
        envelope = etree.fromstring(content, secure_parser())
    except etree.XMLSyntaxError as error:
        raise UnreadableAnswerError(f"the answer is not XML ({error})") from None
    fault = envelope.find(f"{{{_SOAP_NS}}}Body/{{{_SOAP_NS}}}Fault")
    if fault is not None:
        message = " ".join(str(t).strip() for t in fault.itertext() if str(t).strip())
        raise UnreadableAnswerError(f"the service answered a SOAP fault: {message[:300]}")
    result = envelope.find(f".//{{{_TEMPURI}}}ConsultaResult")
    if result is None:
        raise UnreadableAnswerError("the answer holds no ConsultaResult")
    codigo = _text(result, "CodigoEstatus")
    estado_text = _text(result, "Estado")
    if not codigo or not estado_text:
        raise UnreadableAnswerError("the ConsultaResult lacks CodigoEstatus or Estado")
    return StatusAnswer(
        codigo_estatus=codigo,
        estado=_enum(DocumentState, estado_text, "Estado"),
        es_cancelable=_enum(Cancellability, _text(result, "EsCancelable"), "EsCancelable"),
        estatus_cancelacion=_enum(
            CancellationStatus, _text(result, "EstatusCancelacion"), "EstatusCancelacion"
        ),
        validacion_efos=EfosValidation(_text(result, "ValidacionEFOS")),
    )
