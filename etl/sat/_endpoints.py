"""Where each SAT operation is sent and how it is named on the wire (protocol document, sections 2 and 3)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from etl.sat._params import Service

__all__ = ["Endpoints", "Operation"]

_ACTIONS = "http://DescargaMasivaTerceros.sat.gob.mx"


class Operation(Enum):
    """SAT's operations: the SOAPAction header and the body element of each."""

    AUTENTICA = ("Autentica", "http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica")
    SOLICITA_EMITIDOS = (
        "SolicitaDescargaEmitidos",
        f"{_ACTIONS}/ISolicitaDescargaService/SolicitaDescargaEmitidos",
    )
    SOLICITA_RECIBIDOS = (
        "SolicitaDescargaRecibidos",
        f"{_ACTIONS}/ISolicitaDescargaService/SolicitaDescargaRecibidos",
    )
    SOLICITA_FOLIO = ("SolicitaDescargaFolio", f"{_ACTIONS}/ISolicitaDescargaService/SolicitaDescargaFolio")
    VERIFICA = (
        "VerificaSolicitudDescarga",
        f"{_ACTIONS}/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga",
    )
    DESCARGAR = (
        "PeticionDescargaMasivaTercerosEntrada",
        f"{_ACTIONS}/IDescargaMasivaTercerosService/Descargar",
    )

    @property
    def element(self) -> str:
        """The local name of the body's operation element."""
        return self.value[0]

    @property
    def soap_action(self) -> str:
        return self.value[1]


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The four URLs of one service family."""

    authenticate: str
    query: str
    verify: str
    download: str

    @classmethod
    def sat(cls, service: Service = Service.CFDI) -> Endpoints:
        """SAT's production hosts for `service`."""
        prefix = "cfdi" if service is Service.CFDI else "reten"
        requests = f"https://{prefix}descargamasivasolicitud.clouda.sat.gob.mx"
        downloads = f"https://{prefix}descargamasiva.clouda.sat.gob.mx"
        return cls._with_hosts(requests, downloads)

    @classmethod
    def for_base_url(cls, base_url: str, service: Service = Service.CFDI) -> Endpoints:
        """One server serving both families at `<base_url>/cfdi/...` and `<base_url>/retenciones/...`."""
        root = f"{base_url.rstrip('/')}/{service.value}"
        return cls._with_hosts(root, root)

    @classmethod
    def _with_hosts(cls, requests: str, downloads: str) -> Endpoints:
        return cls(
            authenticate=f"{requests}/Autenticacion/Autenticacion.svc",
            query=f"{requests}/SolicitaDescargaService.svc",
            verify=f"{requests}/VerificaSolicitudDescargaService.svc",
            download=f"{downloads}/DescargaMasivaService.svc",
        )

    def url_for(self, operation: Operation) -> str:
        if operation is Operation.AUTENTICA:
            return self.authenticate
        if operation is Operation.VERIFICA:
            return self.verify
        if operation is Operation.DESCARGAR:
            return self.download
        return self.query
