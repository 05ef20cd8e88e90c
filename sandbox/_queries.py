"""Reading a SolicitaDescarga* request into a `Query`, with SAT's validation (codes 301 and 5001)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import asdict, dataclass

from lxml import etree

from sandbox._codes import Code
from sandbox._xml import local_name

__all__ = ["Query", "QueryRejectedError", "read_query"]

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_RECEIVED_XML_NOT_VIGENTE = "No se permite la descarga de xml que se encuentren cancelados"
_RFC = re.compile(r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$")
_DOCUMENT_TYPES = frozenset({"I", "E", "T", "N", "P"})
_STATUSES = {"todos": "Todos", "vigente": "Vigente", "cancelado": "Cancelado"}
_REQUEST_TYPES = {"metadata": "metadata", "cfdi": "xml"}
_ALLOWED = {
    "emitidos": {"rfcsolicitante", "rfcemisor", "fechainicial", "fechafinal", "tiposolicitud",
                 "tipocomprobante", "estadocomprobante", "rfcacuentaterceros", "complemento"},
    "recibidos": {"rfcsolicitante", "rfcreceptor", "rfcemisor", "fechainicial", "fechafinal",
                  "tiposolicitud", "tipocomprobante", "estadocomprobante", "rfcacuentaterceros",
                  "complemento"},
    "folio": {"rfcsolicitante", "folio"},
}  # fmt: skip


class QueryRejectedError(Exception):
    """SAT would answer this request with `code` and `message` and not create it."""

    def __init__(self, code: Code, message: str | None = None) -> None:
        super().__init__(message or code.message)
        self.code = code
        self.message = message or code.message


@dataclass(frozen=True)
class Query:
    """One SolicitaDescarga* request's parameters, normalised."""

    service: str  # "cfdi" | "retenciones"
    kind: str  # "emitidos" | "recibidos" | "folio"
    requester_rfc: str
    request_type: str  # "metadata" | "xml"
    start: str | None = None
    end: str | None = None
    document_type: str | None = None
    status: str = "Vigente"
    third_party_rfc: str | None = None
    complement: str | None = None
    counterpart_rfcs: tuple[str, ...] = ()
    uuid: str | None = None
    # SAT's "now" when the request was accepted (Mexico wall-clock, ISO): what existed and what was already
    # cancelled then. Not part of the identity: the same parameters asked later are the same request.
    as_of: str | None = None

    @property
    def key(self) -> str:
        """The identity SAT uses for duplicates (5005) and the lifetime count (5002)."""
        fields = asdict(self)
        del fields["as_of"]
        return json.dumps(fields, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_key(cls, key: str) -> Query:
        fields = json.loads(key)
        fields["counterpart_rfcs"] = tuple(fields["counterpart_rfcs"])
        return cls(**fields)


def read_query(  # noqa: PLR0912 -- SAT's rules, one branch each
    service: str, kind: str, request: etree._Element, today: dt.date
) -> Query:
    """Validate a `des:solicitud` as SAT does; raise `QueryRejectedError` with the code SAT would give."""
    attributes = {str(k).lower(): str(v).strip() for k, v in request.attrib.items() if str(v).strip()}
    unknown = set(attributes) - _ALLOWED[kind]
    if unknown:
        raise QueryRejectedError(Code.MALFORMED, f"Atributo no permitido: {sorted(unknown)[0]}")
    requester = _rfc(attributes, "rfcsolicitante", required=True)
    assert requester is not None
    if kind == "folio":
        folio = attributes.get("folio", "")
        try:
            parsed = uuid.UUID(folio)
        except ValueError:
            raise QueryRejectedError(Code.MALFORMED, "Folio no es un UUID válido") from None
        if any(local_name(child) != "Signature" for child in request):
            raise QueryRejectedError(Code.MALFORMED, "Una consulta por folio no admite otros filtros")
        # A folio request names no TipoSolicitud: the sandbox answers with the document's XML.
        return Query(service, kind, requester, "xml", uuid=str(parsed), status="Todos")

    own_side = "rfcemisor" if kind == "emitidos" else "rfcreceptor"
    if _rfc(attributes, own_side, required=True) != requester:
        raise QueryRejectedError(Code.THIRD_PARTY_NOT_AUTHORISED)
    start, end = _date(attributes, "fechainicial"), _date(attributes, "fechafinal")
    if start >= end:
        raise QueryRejectedError(Code.MALFORMED, "FechaInicial debe ser anterior a FechaFinal")
    oldest = dt.datetime(today.year - 6, today.month, min(today.day, 28))
    if start < oldest:
        raise QueryRejectedError(Code.MALFORMED, "FechaInicial es anterior a seis años")
    request_type = _REQUEST_TYPES.get(attributes.get("tiposolicitud", "").lower())
    if request_type is None:
        raise QueryRejectedError(Code.MALFORMED, "TipoSolicitud debe ser Metadata o CFDI")
    document_type = attributes.get("tipocomprobante")
    if document_type is not None and document_type.upper() not in _DOCUMENT_TYPES:
        raise QueryRejectedError(Code.MALFORMED, f"TipoComprobante no válido: {document_type}")
    status = _STATUSES.get(attributes.get("estadocomprobante", "vigente").lower())
    if status is None:
        raise QueryRejectedError(Code.MALFORMED, "EstadoComprobante debe ser Todos, Vigente o Cancelado")
    if kind == "recibidos" and request_type == "xml" and status != "Vigente":
        raise QueryRejectedError(Code.MALFORMED, _RECEIVED_XML_NOT_VIGENTE)

    if kind == "emitidos":
        # An empty RfcReceptor is no filter: python-cfdiclient always sends one in its template, and its
        # users' issued requests are accepted by SAT (sandbox/README.md).
        counterparts = tuple(
            _checked_rfc(text)
            for child in request.iter()
            if isinstance(child.tag, str) and local_name(child).lower() == "rfcreceptor"
            if (text := (child.text or "").strip())
        )
        if len(counterparts) > 5:
            raise QueryRejectedError(Code.MALFORMED, "Se admiten a lo más 5 RfcReceptores")
    else:
        issuer = _rfc(attributes, "rfcemisor", required=False)
        counterparts = () if issuer is None else (issuer,)
    return Query(
        service=service,
        kind=kind,
        requester_rfc=requester,
        request_type=request_type,
        start=start.strftime(_DATE_FORMAT),
        end=end.strftime(_DATE_FORMAT),
        document_type=None if document_type is None else document_type.upper(),
        status=status,
        third_party_rfc=_rfc(attributes, "rfcacuentaterceros", required=False),
        complement=attributes.get("complemento"),
        counterpart_rfcs=tuple(sorted(counterparts)),
    )


def _rfc(attributes: dict[str, str], name: str, *, required: bool) -> str | None:
    value = attributes.get(name)
    if value is None:
        if required:
            raise QueryRejectedError(Code.MALFORMED, f"Falta el atributo {name}")
        return None
    return _checked_rfc(value)


def _checked_rfc(value: str) -> str:
    rfc = value.upper()
    if not _RFC.match(rfc):
        raise QueryRejectedError(Code.MALFORMED, f"RFC no válido: {value}")
    return rfc


def _date(attributes: dict[str, str], name: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(attributes.get(name, ""), _DATE_FORMAT)
    except ValueError:
        raise QueryRejectedError(Code.MALFORMED, f"{name} debe tener la forma AAAA-MM-DDTHH:MM:SS") from None
