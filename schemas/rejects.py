"""Documents that could not be read: kept with their reason so that nothing disappears silently."""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import INT, TEXT, UUID

__all__ = ["DOCUMENTOS_RECHAZADOS"]

DOCUMENTOS_RECHAZADOS = Table(
    name="documentos_rechazados",
    meaning="one row per XML document that could not be loaded, with the reason; the rest of its batch loads",
    columns=(
        Column("source", TEXT, "file or zip entry name the document was read from", nullable=False),
        Column(
            "sha256", TEXT, "sha256 of the document's bytes, to find it again in its package", nullable=False
        ),
        Column("tamano_bytes", INT, "size of the document in bytes", nullable=False),
        Column("documento", TEXT, "'cfdi', 'retenciones', or null when the kind could not be told"),
        Column("uuid", UUID, "the stamp's UUID when it could be read before the document was refused"),
        Column("motivo", TEXT, "what is wrong and, where possible, what to do about it", nullable=False),
    ),
    # a document is known by its bytes alone: the same file under another name, folder or package, loaded
    # again in any month and any order, is the same reject
    key=("sha256",),
)
