"""The request ledger's requests, copied into the warehouse at each publish, for readers of the copy.

The ledger itself is SQLite beside the warehouse (etl/acquire); dashboards read only the published DuckDB
copy, so what SAT still owes is shown from this snapshot, as of `instantanea`.
"""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import DATE, INT, TEXT, TIMESTAMP

__all__ = ["SOLICITUDES_SAT"]

SOLICITUDES_SAT = Table(
    name="solicitudes_sat",
    meaning=(
        "every request in the request ledger as it stood at the last publish (instantanea): one row per "
        "request, replaced whole at each publish"
    ),
    columns=(
        Column("clave", TEXT, "the ledger's key of the request", nullable=False),
        Column("rfc", TEXT, "the loaded RFC the request is for", nullable=False),
        Column("month", DATE, "the partition (first day of the month) it fills", nullable=False),
        Column("servicio", TEXT, "'cfdi' or 'retenciones'", nullable=False),
        Column("direction", TEXT, "'emitidos' or 'recibidos'", nullable=False),
        Column("tipo_solicitud", TEXT, "'metadata' or 'xml'", nullable=False),
        Column(
            "estado",
            TEXT,
            "planned, submitted (SAT has not finished), finished, empty, split, exhausted or failed",
            nullable=False,
        ),
        Column("id_solicitud", TEXT, "SAT's IdSolicitud, once SAT accepted the request"),
        Column("numero_cfdis", INT, "documents SAT reported for it"),
        Column("ultimo_codigo", INT, "SAT's last status code for it"),
        Column("ultimo_mensaje", TEXT, "SAT's last message for it"),
        Column("creada", TIMESTAMP, "when the ledger first recorded it (UTC)", nullable=False),
        Column("enviada", TIMESTAMP, "when SAT accepted it (UTC)"),
        Column("actualizada", TIMESTAMP, "when the ledger last changed it (UTC)", nullable=False),
        Column("terminada", TIMESTAMP, "when SAT finished it (UTC)"),
        Column("instantanea", TIMESTAMP, "when this copy of the ledger was taken (UTC)", nullable=False),
    ),
    key=("clave",),
    partitioned=False,
)
