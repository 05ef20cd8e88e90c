"""Which column holds an XML document's date of issue, the date that decides its month.

SAT's period for a request is by date of issue (CFDI `Fecha`, Retenciones `FechaExp`), not by when the
document was stamped; the sandbox filters the same way. One row per document lives in its header table.
"""

from __future__ import annotations

from schemas.cfdi import COMPROBANTES
from schemas.retenciones import RETENCIONES

__all__ = ["DOCUMENT_ISSUE_DATES"]

# header table -> its date-of-issue column
DOCUMENT_ISSUE_DATES = {COMPROBANTES.name: "fecha", RETENCIONES.name: "fecha_exp"}
