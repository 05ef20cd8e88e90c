"""Table contracts: every table declared once; parsers, warehouse DDL and data dictionary derive from here.

Imports nothing of the project.
"""

from schemas._contract import Column, ContractError, Kind, Table
from schemas._issued import DOCUMENT_ISSUE_DATES
from schemas._partition import (
    DIRECTIONS,
    LINEAGE_COLUMNS,
    PARTITION_COLUMNS,
    REJECTS_PARTITION,
    Direction,
    Partition,
    PartitionError,
    check_rfc,
    month_of_issue,
)
from schemas.cfdi import CFDI_TABLES
from schemas.lists import LIST_TABLES
from schemas.metadata import METADATA, METADATA_RECHAZOS
from schemas.raw import COMPLEMENTOS_RAW
from schemas.rejects import DOCUMENTOS_RECHAZADOS
from schemas.retenciones import RETENCIONES, RETENCIONES_IMPUESTOS, RETENCIONES_TABLES

__all__ = [
    "CFDI_TABLES",
    "COMPLEMENTOS_RAW",
    "DIRECTIONS",
    "DOCUMENTOS_RECHAZADOS",
    "DOCUMENT_ISSUE_DATES",
    "LINEAGE_COLUMNS",
    "LIST_TABLES",
    "METADATA",
    "METADATA_RECHAZOS",
    "PARTITION_COLUMNS",
    "REJECTS_PARTITION",
    "RETENCIONES",
    "RETENCIONES_IMPUESTOS",
    "RETENCIONES_TABLES",
    "Column",
    "ContractError",
    "Direction",
    "Kind",
    "Partition",
    "PartitionError",
    "Table",
    "check_rfc",
    "month_of_issue",
]
