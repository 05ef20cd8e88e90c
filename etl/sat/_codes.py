"""SAT's status codes, with SAT's own messages (protocol document, section 8).

A code SAT has not documented still parses: it becomes a pseudo-member named `DESCONOCIDO_<n>`, so that a
new code reaches the caller as a value instead of breaking the answer.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["CodEstatus", "CodigoEstadoSolicitud", "EstadoSolicitud"]


class _SatCode(IntEnum):
    @classmethod
    def _missing_(cls, value: object) -> _SatCode | None:
        if not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"DESCONOCIDO_{value}"
        member._value_ = value
        return member

    @property
    def message(self) -> str:
        """SAT's meaning of the code, in SAT's words."""
        return _MESSAGES.get((type(self).__name__, int(self)), "Código no documentado por el SAT")


class CodEstatus(_SatCode):
    """The answer to the call itself (`CodEstatus`)."""

    USUARIO_NO_VALIDO = 300
    XML_MAL_FORMADO = 301
    SELLO_MAL_FORMADO = 302
    SELLO_NO_CORRESPONDE = 303
    CERTIFICADO_REVOCADO_O_CADUCO = 304
    CERTIFICADO_INVALIDO = 305
    ERROR_NO_CONTROLADO = 404
    SOLICITUD_RECIBIDA = 5000
    TERCERO_NO_AUTORIZADO = 5001
    SOLICITUDES_AGOTADAS = 5002
    TOPE_MAXIMO = 5003
    NO_SE_ENCONTRO = 5004
    SOLICITUD_DUPLICADA = 5005
    ERROR_INTERNO = 5006
    PAQUETE_NO_EXISTE = 5007
    MAXIMO_DE_DESCARGAS = 5008

    @property
    def is_transient(self) -> bool:
        """SAT's own failures, worth retrying later with backoff."""
        return self in (CodEstatus.ERROR_NO_CONTROLADO, CodEstatus.ERROR_INTERNO)

    @property
    def is_refusal(self) -> bool:
        """Credentials or signature refused: repeating the same call can never succeed."""
        return self in _REFUSALS


class EstadoSolicitud(_SatCode):
    """Where a download request stands (`EstadoSolicitud` on verify)."""

    ACEPTADA = 1
    EN_PROCESO = 2
    TERMINADA = 3
    ERROR = 4
    RECHAZADA = 5
    VENCIDA = 6

    @property
    def is_final(self) -> bool:
        """SAT will not change this state any more: stop polling."""
        return self not in (EstadoSolicitud.ACEPTADA, EstadoSolicitud.EN_PROCESO)


class CodigoEstadoSolicitud(_SatCode):
    """Why a download request is in its state (`CodigoEstadoSolicitud` on verify)."""

    ACEPTADA = 5000
    SOLICITUDES_AGOTADAS = 5002
    TOPE_MAXIMO = 5003
    NO_SE_ENCONTRO = 5004
    SOLICITUD_DUPLICADA = 5005


_REFUSALS = frozenset(
    {
        CodEstatus.USUARIO_NO_VALIDO,
        CodEstatus.SELLO_MAL_FORMADO,
        CodEstatus.SELLO_NO_CORRESPONDE,
        CodEstatus.CERTIFICADO_REVOCADO_O_CADUCO,
        CodEstatus.CERTIFICADO_INVALIDO,
    }
)

_MESSAGES: dict[tuple[str, int], str] = {
    ("CodEstatus", 300): "Usuario no válido",
    ("CodEstatus", 301): "XML mal formado",
    ("CodEstatus", 302): "Sello mal formado",
    ("CodEstatus", 303): "Sello no corresponde con RfcSolicitante",
    ("CodEstatus", 304): "Certificado revocado o caduco",
    ("CodEstatus", 305): "Certificado inválido",
    ("CodEstatus", 404): "Error no controlado",
    ("CodEstatus", 5000): "Solicitud recibida con éxito",
    ("CodEstatus", 5001): "Tercero no autorizado",
    ("CodEstatus", 5002): "Se agotó las solicitudes de por vida",
    ("CodEstatus", 5003): "Tope máximo",
    ("CodEstatus", 5004): "No se encontró la información",
    ("CodEstatus", 5005): "Solicitud duplicada",
    ("CodEstatus", 5006): "Error interno en el proceso",
    ("CodEstatus", 5007): "No existe el paquete solicitado",
    ("CodEstatus", 5008): "Máximo de descargas permitidas",
    ("EstadoSolicitud", 1): "Aceptada",
    ("EstadoSolicitud", 2): "En proceso",
    ("EstadoSolicitud", 3): "Terminada",
    ("EstadoSolicitud", 4): "Error",
    ("EstadoSolicitud", 5): "Rechazada",
    ("EstadoSolicitud", 6): "Vencida",
    ("CodigoEstadoSolicitud", 5000): "Solicitud recibida con éxito",
    ("CodigoEstadoSolicitud", 5002): "Se agotó las solicitudes de por vida",
    ("CodigoEstadoSolicitud", 5003): "Tope máximo",
    ("CodigoEstadoSolicitud", 5004): "No se encontró la información",
    ("CodigoEstadoSolicitud", 5005): "Solicitud duplicada",
}
