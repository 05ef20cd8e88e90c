"""The namespaces and Clark tags (`{namespace}Local`) the CFDI parser dispatches on: never on prefixes."""

from __future__ import annotations

__all__ = [
    "CFD3",
    "CFD4",
    "IMPLOCAL",
    "NOMINA11",
    "NOMINA12",
    "PAGOS10",
    "PAGOS20",
    "TFD",
    "local_name",
    "namespace_of",
]

CFD4 = "http://www.sat.gob.mx/cfd/4"
CFD3 = "http://www.sat.gob.mx/cfd/3"
TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
PAGOS20 = "http://www.sat.gob.mx/Pagos20"
PAGOS10 = "http://www.sat.gob.mx/Pagos"
NOMINA12 = "http://www.sat.gob.mx/nomina12"
NOMINA11 = "http://www.sat.gob.mx/nomina"
IMPLOCAL = "http://www.sat.gob.mx/implocal"


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def namespace_of(tag: str) -> str | None:
    return tag[1 : tag.index("}")] if tag.startswith("{") else None
