"""The warehouse's datasets, from the table contracts in `schemas/`: what one load replaces together."""

from __future__ import annotations

from functools import cache

from schemas.cfdi import CFDI_TABLES
from schemas.metadata import METADATA, METADATA_RECHAZOS
from schemas.raw import COMPLEMENTOS_RAW
from schemas.rejects import DOCUMENTOS_RECHAZADOS
from warehouse._catalog import Catalog, Dataset, StatusFeed
from warehouse._views import read_views

__all__ = ["DATASETS", "default_catalog"]

DATASETS = (
    Dataset(
        "cfdi",
        (*CFDI_TABLES, COMPLEMENTOS_RAW, DOCUMENTOS_RECHAZADOS),
        reject_tables=frozenset({DOCUMENTOS_RECHAZADOS.name}),
    ),
    Dataset(
        "metadata",
        (METADATA, METADATA_RECHAZOS),
        reject_tables=frozenset({METADATA_RECHAZOS.name}),
        status=StatusFeed(METADATA.name, cancelled="estatus = 'cancelado'", cancelled_at="fecha_cancelacion"),
    ),
)


@cache
def default_catalog() -> Catalog:
    return Catalog(DATASETS, read_views())
