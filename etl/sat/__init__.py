"""The SAT bulk-download ("Descarga Masiva") web-service client, service version 1.5.

`Fiel` loads and checks the e.firma; `QueryParameters` says what to ask for; `RequestBuilder` makes the
signed SOAP envelopes; `SatClient` sends them (token reuse, retries) and returns typed results.

```python
from etl.sat import Endpoints, Fiel, QueryParameters, RequestType, RetryPolicy, SatClient, Service

fiel = Fiel.from_files("fiel.cer", "fiel.key", password)  # FielError unless a current e.firma
params = QueryParameters.issued(datetime(2025, 1, 1), datetime(2025, 1, 31, 23, 59, 59), RequestType.XML)
with SatClient(fiel, Service.CFDI, endpoints=Endpoints.for_base_url(sandbox_url)) as sat:
    query = sat.query(params)              # QueryResult(request_id, status, message)
    verify = sat.verify(query.request_id)  # VerifyResult(status, state, state_code, document_count, ...)
    for package_id in verify.package_ids:
        with open(f"{package_id}.zip", "wb") as out:
            sat.download_to(package_id, out)  # StreamedDownload(status, message, size), streamed
```

SAT's business codes (5002, 5003, 5004, 5005, 5007, 5008, ...) come back in `status`; everything else that
goes wrong raises a `SatError` subclass whose message tells the user what to do.
"""

from etl.sat._client import SatClient
from etl.sat._codes import CodEstatus, CodigoEstadoSolicitud, EstadoSolicitud
from etl.sat._download import PackageSink, StreamedDownload
from etl.sat._endpoints import Endpoints, Operation
from etl.sat._envelopes import RequestBuilder
from etl.sat._errors import (
    BrokenDownloadError,
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
from etl.sat._fiel import CertificateFacts, Fiel, check_certificate
from etl.sat._params import (
    CFDI_COMPLEMENTS,
    RETENCIONES_COMPLEMENTS,
    Direction,
    DocumentStatus,
    DocumentType,
    QueryParameters,
    RequestType,
    Service,
    mexico_now,
)
from etl.sat._responses import DownloadResult, QueryResult, Token, VerifyResult
from etl.sat._retry import RetryPolicy

__all__ = [
    "CFDI_COMPLEMENTS",
    "RETENCIONES_COMPLEMENTS",
    "BrokenDownloadError",
    "CertificateFacts",
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
    "PackageSink",
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
    "StreamedDownload",
    "Token",
    "UnparseableResponseError",
    "VerifyResult",
    "check_certificate",
    "mexico_now",
]
