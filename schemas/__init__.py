"""Table contracts: every table declared once; parsers, warehouse DDL and data dictionary derive from here.

Imports nothing of the project.
"""

from schemas._contract import Column, ContractError, Kind, Table
from schemas._partition import DIRECTIONS, LINEAGE_COLUMNS, PARTITION_COLUMNS

__all__ = [
    "DIRECTIONS",
    "LINEAGE_COLUMNS",
    "PARTITION_COLUMNS",
    "Column",
    "ContractError",
    "Kind",
    "Table",
]
