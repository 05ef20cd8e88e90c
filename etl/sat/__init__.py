"""The SAT bulk-download ("Descarga Masiva") web-service client, service version 1.5.

`Fiel` loads and checks the e.firma; `QueryParameters` says what to ask for; `RequestBuilder` makes the
signed SOAP envelopes; `SatClient` sends them (token reuse, retries) and returns typed results.
"""

from etl.sat._client import SatClient
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
    check_rfc,
    mexico_now,
)
from etl.sat._responses import DownloadResult, QueryResult, Token, VerifyResult
from etl.sat._retry import RetryPolicy

__all__ = [
    "CFDI_COMPLEMENTS",
    "RETENCIONES_COMPLEMENTS",
    "CodEstatus",
    "CodigoEstadoSolicitud",
    "Direction",
    "DocumentStatus",
    "DocumentType",
    "DownloadResult",
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
    "QueryResult",
    "RequestBuilder",
    "RequestType",
    "RetryPolicy",
    "SatClient",
    "SatConnectionError",
    "SatError",
    "SatRefusedError",
    "SatTimeoutError",
    "SatUnavailableError",
    "Service",
    "SoapFaultError",
    "Token",
    "UnparseableResponseError",
    "VerifyResult",
    "check_rfc",
    "mexico_now",
]
