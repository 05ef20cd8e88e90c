"""SAT's metadata text (`Uuid~RfcEmisor~...`) to a typed frame, a rejects frame and a record count.

result = parse_metadata(data, "45C5..._01.txt", tercero=None)
result.frame          # schemas.METADATA: one row per record that was read
result.rejects        # schemas.METADATA_RECHAZOS: line number, reason and text of every other one
result.record_count   # records in the file, loaded or refused: compare with SAT's NumeroCFDIs
"""

from __future__ import annotations

from etl.metadata._parse import MetadataResult, parse_files
from etl.metadata._records import MetadataError

__all__ = ["MetadataError", "MetadataResult", "parse_metadata"]


def parse_metadata(
    data: bytes, source: str, tercero: bytes | None = None, tercero_source: str | None = None
) -> MetadataResult:
    """Parse one metadata file; `tercero` is the package's `_tercero.txt`, joined on the UUID.

    Raises MetadataError only when the file as a whole is not metadata (no `Uuid~` header); a bad
    record goes to `rejects` and the rest loads.
    """
    third_parties = None if tercero is None else (tercero_source or f"{source} (tercero)", tercero)
    return parse_files([(source, data)], third_parties)
