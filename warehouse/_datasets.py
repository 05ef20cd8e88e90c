"""The warehouse's datasets, from the table contracts in `schemas/`: what one load replaces together.

"cfdi" holds every table the document parser fills (CFDI and Retenciones documents arrive in the same
parsed batches); "retenciones" is the Retenciones part alone, for callers that load Retenciones packages
on their own. Tables two datasets share are replaced only for the rows the loading dataset wrote.
"""

from __future__ import annotations

from functools import cache

from schemas.agregados import AGREGADO_TABLES
from schemas.cfdi import CFDI_TABLES
from schemas.lists import LIST_TABLES
from schemas.metadata import METADATA, METADATA_RECHAZOS
from schemas.raw import COMPLEMENTOS_RAW
from schemas.rejects import DOCUMENTOS_RECHAZADOS
from schemas.retenciones import RETENCIONES_TABLES
from schemas.solicitudes import SOLICITUDES_SAT
from warehouse._catalog import Catalog, Dataset, StatusFeed
from warehouse._views import read_views

__all__ = ["DATASETS", "default_catalog"]

_REJECTS = frozenset({DOCUMENTOS_RECHAZADOS.name})

DATASETS = (
    Dataset(
        "cfdi",
        (*CFDI_TABLES, *RETENCIONES_TABLES, COMPLEMENTOS_RAW, DOCUMENTOS_RECHAZADOS),
        reject_tables=_REJECTS,
    ),
    Dataset(
        "metadata",
        (METADATA, METADATA_RECHAZOS),
        reject_tables=frozenset({METADATA_RECHAZOS.name}),
        status=StatusFeed(METADATA.name, cancelled="estatus = 'cancelado'", cancelled_at="fecha_cancelacion"),
    ),
    Dataset(
        "retenciones", (*RETENCIONES_TABLES, COMPLEMENTOS_RAW, DOCUMENTOS_RECHAZADOS), reject_tables=_REJECTS
    ),
)


@cache
def default_catalog() -> Catalog:
    return Catalog(DATASETS, read_views(), own_tables=(*LIST_TABLES, SOLICITUDES_SAT, *AGREGADO_TABLES))
