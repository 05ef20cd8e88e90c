"""SAT's CFDI status service (ConsultaCFDIService): whether one CFDI is vigente, cancelled or being cancelled.

```python
with StatusClient(settings.base_url, calls_per_second=1.0) as client:
    answer = client.check(DocumentRef(uuid, rfc_emisor, rfc_receptor, total))
    answer.estado, answer.es_cancelable, answer.estatus_cancelacion, answer.validacion_efos
    for result in client.check_many(refs): ...          # paced, bounded, each with its time
```

Public and unauthenticated; shared by every taxpayer, so it is paced (one call a second by default),
bounded in concurrency and retried with backoff. Never imports dagster, the warehouse or the sandbox.
"""

from etl.status._answer import (
    Cancellability,
    CancellationStatus,
    DocumentState,
    EfosValidation,
    StatusAnswer,
    UnreadableAnswerError,
    read_answer,
)
from etl.status._client import SAT_STATUS_BASE_URL, CheckResult, StatusClient, StatusRetry, StatusServiceError
from etl.status._envelope import CONSULTA_PATH, envelope
from etl.status._expression import DocumentRef, InvalidDocumentRefError, expression
from etl.status._pace import Clock, Pace, SystemClock
from etl.status._settings import StatusSettings

__all__ = [
    "CONSULTA_PATH",
    "SAT_STATUS_BASE_URL",
    "Cancellability",
    "CancellationStatus",
    "CheckResult",
    "Clock",
    "DocumentRef",
    "DocumentState",
    "EfosValidation",
    "InvalidDocumentRefError",
    "Pace",
    "StatusAnswer",
    "StatusClient",
    "StatusRetry",
    "StatusServiceError",
    "StatusSettings",
    "SystemClock",
    "UnreadableAnswerError",
    "envelope",
    "expression",
    "read_answer",
]
