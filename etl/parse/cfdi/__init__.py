"""CFDI XML (4.0, 3.3, 3.2, 3.0 with TFD, Pagos, Nómina, ImpuestosLocales) into the `schemas.cfdi` tables.

`CfdiCollector().add(source, sha256, data)` per document, `finish()` per batch. `cast_to_contract` and
`string_frame` type text columns to a table's contract and, with `with_repair`, are shared with the
Retenciones parser.
"""

from etl.parse.cfdi._collector import CfdiCollector
from etl.parse.cfdi._typed import DOC, cast_to_contract, string_frame, with_repair

__all__ = ["DOC", "CfdiCollector", "cast_to_contract", "string_frame", "with_repair"]
