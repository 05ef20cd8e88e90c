"""The SAT bulk-download ("Descarga Masiva") web-service client, service version 1.5.

`Fiel` loads and checks the e.firma; `QueryParameters` says what to ask for; `RequestBuilder` makes the
signed SOAP envelopes.
"""

from etl.sat._codes import CodEstatus, CodigoEstadoSolicitud, EstadoSolicitud
from etl.sat._endpoints import Endpoints, Operation
from etl.sat._envelopes import RequestBuilder
from etl.sat._errors import (
    EmptyResponseError,
    FielError,
    FielProblem,
    HttpStatusError,
    QueryParametersError,
    SatConnectionError,
    SatError,
    SatRefusedError,
    SatTimeoutError,
    SatUnavailableError,
    SoapFaultError,
    UnparseableResponseError,
)
from etl.sat._fiel import Fiel
from etl.sat._params import (
    CFDI_COMPLEMENTS,
    RETENCIONES_COMPLEMENTS,
    Direction,
    DocumentStatus,
    DocumentType,
    QueryParameters,
    RequestType,
    Service,
)

__all__ = [
    "CFDI_COMPLEMENTS",
    "RETENCIONES_COMPLEMENTS",
    "CodEstatus",
    "CodigoEstadoSolicitud",
    "Direction",
    "DocumentStatus",
    "DocumentType",
    "EmptyResponseError",
    "Endpoints",
    "EstadoSolicitud",
    "Fiel",
    "FielError",
    "FielProblem",
    "HttpStatusError",
    "Operation",
    "QueryParameters",
    "QueryParametersError",
    "RequestBuilder",
    "RequestType",
    "SatConnectionError",
    "SatError",
    "SatRefusedError",
    "SatTimeoutError",
    "SatUnavailableError",
    "Service",
    "SoapFaultError",
    "UnparseableResponseError",
]
