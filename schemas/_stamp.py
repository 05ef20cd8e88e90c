"""Columns every stamped document table shares (CFDI and Retenciones): its stamp and where it came from."""

from __future__ import annotations

from schemas._contract import Column
from schemas._kinds import BOOL, TEXT, TEXT_LIST

__all__ = ["STAMP_AND_SOURCE_COLUMNS"]

STAMP_AND_SOURCE_COLUMNS = (
    Column("version_timbre", TEXT, "TimbreFiscalDigital version: 1.1 or 1.0"),
    Column("rfc_prov_certif", TEXT, "RFC of the PAC that stamped it (TFD 1.1 only)"),
    Column("no_certificado_sat", TEXT, "SAT certificate number in the stamp"),
    Column("complementos", TEXT_LIST, "local names of the complements present, in document order"),
    Column("tiene_addenda", BOOL, "whether the document carries an Addenda (kept in complementos_raw)"),
    Column("reparaciones", TEXT_LIST, "defects of the file that were repaired to read it (empty if none)"),
    Column("source", TEXT, "file or zip entry name the document was read from", nullable=False),
)
