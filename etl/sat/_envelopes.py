"""The signed SOAP envelopes of SAT's four operations, built as pure functions of their inputs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from lxml import etree

from etl.sat._endpoints import Operation
from etl.sat._fiel import Fiel
from etl.sat._params import Direction, QueryParameters
from etl.sat._signing import DSIG_NS, append_signature, default_namespace, sha1_digest, x509_key_info

__all__ = ["TOKEN_LIFETIME", "RequestBuilder", "query_operation"]

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
DES_NS = "http://DescargaMasivaTerceros.sat.gob.mx"
AUTH_NS = "http://DescargaMasivaTerceros.gob.mx"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
_BASE64_BINARY = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
_SAT_DATE = "%Y-%m-%dT%H:%M:%S"

TOKEN_LIFETIME = timedelta(minutes=5)


def query_operation(params: QueryParameters) -> Operation:
    """Which `SolicitaDescarga*` operation asks for `params`."""
    if params.folio is not None:
        return Operation.SOLICITA_FOLIO
    if params.direction is Direction.ISSUED:
        return Operation.SOLICITA_EMITIDOS
    return Operation.SOLICITA_RECIBIDOS


class RequestBuilder:
    """Builds SAT's signed requests for one FIEL. The same inputs always give the same bytes."""

    __slots__ = ("_fiel",)

    def __init__(self, fiel: Fiel) -> None:
        self._fiel = fiel

    @property
    def fiel(self) -> Fiel:
        return self._fiel

    def authenticate(
        self,
        created: datetime | None = None,
        expires: datetime | None = None,
        token_id: str | None = None,
    ) -> bytes:
        """The `Autentica` envelope; defaults: created now, expires 5 minutes later, a random token id."""
        created = _utc(created) if created else datetime.now(UTC)
        expires = _utc(expires) if expires else created + TOKEN_LIFETIME
        token_id = token_id or f"uuid-{uuid.uuid4()}-1"

        envelope = etree.Element(_soap("Envelope"), nsmap={"s": SOAP_NS, "u": WSU_NS})
        header = etree.SubElement(envelope, _soap("Header"))
        security = etree.SubElement(header, _wsse("Security"), nsmap={"o": WSSE_NS})
        security.set(_soap("mustUnderstand"), "1")
        timestamp = etree.SubElement(security, _wsu("Timestamp"))
        timestamp.set(_wsu("Id"), "_0")
        etree.SubElement(timestamp, _wsu("Created")).text = _wsu_time(created)
        etree.SubElement(timestamp, _wsu("Expires")).text = _wsu_time(expires)
        token = etree.SubElement(security, _wsse("BinarySecurityToken"))
        token.set(_wsu("Id"), token_id)
        token.set("ValueType", _X509V3)
        token.set("EncodingType", _BASE64_BINARY)
        token.text = self._fiel.certificate_base64

        key_info = etree.Element(f"{{{DSIG_NS}}}KeyInfo", nsmap=default_namespace(DSIG_NS))
        reference = etree.SubElement(
            etree.SubElement(key_info, _wsse("SecurityTokenReference")), _wsse("Reference")
        )
        reference.set("URI", f"#{token_id}")
        reference.set("ValueType", _X509V3)
        append_signature(
            security, self._fiel, reference_uri="#_0", digest=sha1_digest(timestamp), key_info=key_info
        )

        body = etree.SubElement(envelope, _soap("Body"))
        etree.SubElement(body, f"{{{AUTH_NS}}}Autentica", nsmap=default_namespace(AUTH_NS))
        return _serialize(envelope)

    def query(self, params: QueryParameters) -> bytes:
        """The `SolicitaDescarga{Emitidos|Recibidos|Folio}` envelope for `params`."""
        operation = query_operation(params)
        rfc = self._fiel.rfc
        if operation is Operation.SOLICITA_FOLIO:
            return self._signed(operation, "solicitud", {"RfcSolicitante": rfc, "Folio": params.folio})
        assert params.start is not None
        assert params.end is not None
        assert params.request_type is not None
        attributes: dict[str, str | None] = {
            "RfcSolicitante": rfc,
            "FechaInicial": params.start.strftime(_SAT_DATE),
            "FechaFinal": params.end.strftime(_SAT_DATE),
            "TipoSolicitud": params.request_type.value,
            "TipoComprobante": params.document_type.value if params.document_type else None,
            "EstadoComprobante": params.document_status.value if params.document_status else None,
            "RfcACuentaTerceros": params.third_party_rfc,
            "Complemento": params.complement,
        }
        if operation is Operation.SOLICITA_EMITIDOS:
            attributes["RfcEmisor"] = rfc
            return self._signed(operation, "solicitud", attributes, receivers=params.counterparts)
        attributes["RfcReceptor"] = rfc
        attributes["RfcEmisor"] = params.counterparts[0] if params.counterparts else None
        return self._signed(operation, "solicitud", attributes)

    def verify(self, request_id: str) -> bytes:
        """The `VerificaSolicitudDescarga` envelope for one `IdSolicitud`."""
        attributes: dict[str, str | None] = {"IdSolicitud": request_id, "RfcSolicitante": self._fiel.rfc}
        return self._signed(Operation.VERIFICA, "solicitud", attributes)

    def download(self, package_id: str) -> bytes:
        """The `Descargar` envelope for one `IdPaquete`."""
        attributes: dict[str, str | None] = {"IdPaquete": package_id, "RfcSolicitante": self._fiel.rfc}
        return self._signed(Operation.DESCARGAR, "peticionDescarga", attributes)

    def _signed(
        self,
        operation: Operation,
        request_name: str,
        attributes: dict[str, str | None],
        receivers: tuple[str, ...] = (),
    ) -> bytes:
        envelope = etree.Element(_soap("Envelope"), nsmap={"s": SOAP_NS, "des": DES_NS})
        etree.SubElement(envelope, _soap("Header"))
        body = etree.SubElement(envelope, _soap("Body"))
        operation_element = etree.SubElement(body, _des(operation.element))
        request = etree.SubElement(operation_element, _des(request_name))
        # Sorted by name and without empty values: the order c14n gives them, kept on the wire too.
        for name in sorted(attributes):
            value = attributes[name]
            if value:
                request.set(name, value)
        if receivers:
            container = etree.SubElement(request, _des("RfcReceptores"))
            for rfc in receivers:
                etree.SubElement(container, _des("RfcReceptor")).text = rfc
        digest = sha1_digest(operation_element)
        append_signature(
            request, self._fiel, reference_uri="", digest=digest, key_info=x509_key_info(self._fiel)
        )
        return _serialize(envelope)


def _serialize(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope, encoding="UTF-8", xml_declaration=False)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: give an aware datetime (UTC)")
    return moment.astimezone(UTC)


def _wsu_time(moment: datetime) -> str:
    return moment.strftime(_SAT_DATE) + ".000Z"


def _soap(name: str) -> str:
    return f"{{{SOAP_NS}}}{name}"


def _des(name: str) -> str:
    return f"{{{DES_NS}}}{name}"


def _wsse(name: str) -> str:
    return f"{{{WSSE_NS}}}{name}"


def _wsu(name: str) -> str:
    return f"{{{WSU_NS}}}{name}"
