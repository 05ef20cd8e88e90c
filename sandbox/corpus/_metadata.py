"""Metadata records as SAT writes them: `~`-separated, no quoting, CRLF between records.

CFDI metadata uses SAT's header (`CFDI_METADATA_HEADER`). No public sample of Retenciones metadata
exists, so the sandbox writes this header for it, modelled on the CFDI one (`RETENCIONES_METADATA_HEADER`):

    Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~
    Monto~MontoTotRet~CveRetenc~Estatus~FechaCancelacion

where `Monto` is MontoTotOperacion, `MontoTotRet` the total withheld and `CveRetenc` the withholding
key; there is no `EfectoComprobante` (a Retenciones document has no TipoDeComprobante). A foreign
receiver appears with SAT's generic foreign RFC `XEXX010101000`. Readers must go by header name.

The third-party file `<request id>_tercero.txt` has SAT's header `TERCEROS_HEADER`, with UUIDs in lower
case (SAT's letter case differs between the two files)."""

from __future__ import annotations

from datetime import datetime

from ._documents import Amounts
from ._money import ZERO, money
from ._parties import Party
from ._plan import Header

__all__ = [
    "CFDI_METADATA_HEADER",
    "RETENCIONES_METADATA_HEADER",
    "TERCEROS_HEADER",
    "metadata_record",
    "tercero_record",
]

CFDI_METADATA_HEADER = (
    "Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~"
    "EfectoComprobante~Estatus~FechaCancelacion"
)
RETENCIONES_METADATA_HEADER = (
    "Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~"
    "MontoTotRet~CveRetenc~Estatus~FechaCancelacion"
)
TERCEROS_HEADER = "Uuid~RfcACuentaTerceros~NombreACuentaTerceros"


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def metadata_record(header: Header, amounts: Amounts) -> str:
    """One record, without its line ending. Names are written raw: a line break in a name stays a bare
    LF inside the record, as at SAT."""
    status = "0" if header.cancelled else "1"
    common = (
        f"{header.uuid}~{header.issuer.rfc}~{header.issuer.name}~{header.receiver.rfc}~{header.receiver.name}~"
        f"{header.pac}~{_when(header.fecha)}~{_when(header.stamped)}~{money(amounts.monto)}~"
    )
    if header.key.family == "retenciones":
        return (
            f"{common}{money(amounts.withheld if amounts.withheld is not None else ZERO)}~"
            f"{amounts.cve_retenc or ''}~{status}~{_when(header.cancelled_at)}"
        )
    return f"{common}{header.tipo}~{status}~{_when(header.cancelled_at)}"


def tercero_record(header: Header, third: Party) -> str:
    return f"{header.uuid.lower()}~{third.rfc}~{third.name}"
