"""SAT's answer codes and the messages the sandbox gives with them (protocol document, section 8)."""

from __future__ import annotations

import enum

__all__ = ["Code", "RequestState"]


class Code(enum.IntEnum):
    """`CodEstatus` / `CodigoEstadoSolicitud` values, with SAT's wording as `message`."""

    INVALID_USER = 300
    MALFORMED = 301
    BAD_SEAL = 302
    SEAL_NOT_REQUESTER = 303
    CERTIFICATE_REVOKED_OR_EXPIRED = 304
    CERTIFICATE_INVALID = 305
    UNCONTROLLED_ERROR = 404
    ACCEPTED = 5000
    THIRD_PARTY_NOT_AUTHORISED = 5001
    LIFETIME_EXHAUSTED = 5002
    MAXIMUM_EXCEEDED = 5003
    NOT_FOUND = 5004
    DUPLICATE = 5005
    PACKAGE_GONE = 5007
    DOWNLOADS_EXHAUSTED = 5008

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Code.INVALID_USER: "Usuario No Válido",
    Code.MALFORMED: "XML Mal Formado",
    Code.BAD_SEAL: "Sello Mal Formado",
    Code.SEAL_NOT_REQUESTER: "Sello no corresponde con RfcSolicitante",
    Code.CERTIFICATE_REVOKED_OR_EXPIRED: "Certificado Revocado o Caduco",
    Code.CERTIFICATE_INVALID: "Certificado Inválido",
    Code.UNCONTROLLED_ERROR: "Error No Controlado",
    Code.ACCEPTED: "Solicitud Aceptada",
    Code.THIRD_PARTY_NOT_AUTHORISED: "Tercero no autorizado",
    Code.LIFETIME_EXHAUSTED: "Se han agotado las solicitudes de por vida",
    Code.MAXIMUM_EXCEEDED: "Tope máximo de elementos de la consulta",
    Code.NOT_FOUND: "No se encontró la información",
    Code.DUPLICATE: "Solicitud duplicada",
    Code.PACKAGE_GONE: "No existe el paquete solicitado",
    Code.DOWNLOADS_EXHAUSTED: "Máximo de descargas permitidas",
}


class RequestState(enum.IntEnum):
    """`EstadoSolicitud`."""

    ACCEPTED = 1
    IN_PROGRESS = 2
    FINISHED = 3
    ERROR = 4
    REJECTED = 5
    EXPIRED = 6
