"""SAT's metadata text (`Uuid~RfcEmisor~...`) to a typed frame, a rejects frame and a record count.

    result = parse_metadata(data, "45C5..._01.txt", tercero=None)
    result = parse_metadata_package(path)   # every metadata file of a package, third parties joined
    result.frame          # schemas.METADATA: one row per record that was read
    result.rejects        # schemas.METADATA_RECHAZOS: line number, reason and text of every other one
    result.record_count   # records read, loaded or refused: compare with SAT's NumeroCFDIs

CFDI and Retenciones metadata share the table: columns are read by header name, so Retenciones'
MontoTotRet and CveRetenc fill their own columns and anything unknown lands in `columnas_extra`.
"""

from __future__ import annotations

from pathlib import Path

from etl.parse.metadata._parse import MetadataResult, parse_files
from etl.parse.metadata._records import MetadataError
from etl.parse.packages import EntryKind, ZipLimits, iter_entries

__all__ = ["MetadataError", "MetadataResult", "parse_metadata", "parse_metadata_package"]


def parse_metadata(
    data: bytes, source: str, tercero: bytes | None = None, tercero_source: str | None = None
) -> MetadataResult:
    """Parse one metadata file; `tercero` is the package's `_tercero.txt`, joined on the UUID.

    Raises MetadataError only when the file as a whole is not metadata (no Uuid column in its header);
    a bad record goes to `rejects` and the rest loads.
    """
    terceros = [] if tercero is None else [(tercero_source or f"{source} (tercero)", tercero)]
    return parse_files([(source, data)], terceros)


def parse_metadata_package(path: Path | str, *, limits: ZipLimits | None = None) -> MetadataResult:
    """Parse every metadata file of a package together (a UUID listed twice loads once) and join its
    third-party file. Raises etl.parse.packages.PackageError for a package that cannot be read safely."""
    files: list[tuple[str, bytes]] = []
    terceros: list[tuple[str, bytes]] = []
    for entry in iter_entries(path, limits=limits):
        if entry.kind is EntryKind.METADATA:
            files.append((entry.name, entry.data))
        elif entry.kind is EntryKind.TERCEROS:
            terceros.append((entry.name, entry.data))
    return parse_files(files, terceros)
