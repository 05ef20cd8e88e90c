"""SAT's metadata records: one row per document SAT says exists, with its status (vigente or cancelado).

Metadata is the only source of a document's status and cancellation date; the XML never says it.
"""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import INT, JSON_TEXT, MONEY, TEXT, TEXT_LIST, TIMESTAMP, UUID

__all__ = ["ESTATUS", "METADATA", "METADATA_RECHAZOS"]

# SAT writes Estatus as 1 / 0; the table keeps the words analysts use.
ESTATUS = {"1": "vigente", "0": "cancelado"}

METADATA = Table(
    name="metadata",
    meaning="one row per document listed in SAT's metadata: parties, amount, effect and status",
    columns=(
        Column("uuid", UUID, "the document's UUID (Uuid), lower-case", nullable=False),
        Column("rfc_emisor", TEXT, "RFC of the issuer (RfcEmisor)"),
        Column("nombre_emisor", TEXT, "name of the issuer (NombreEmisor)"),
        Column("rfc_receptor", TEXT, "RFC of the receiver (RfcReceptor)"),
        Column("nombre_receptor", TEXT, "name of the receiver (NombreReceptor)"),
        Column("rfc_pac", TEXT, "RFC of the PAC that stamped the document (RfcPac)"),
        Column("fecha_emision", TIMESTAMP, "when the document was issued, Mexico local time (FechaEmision)"),
        Column("fecha_certificacion_sat", TIMESTAMP, "when it was stamped, Mexico local time"),
        Column(
            "monto", MONEY, "the document's total as SAT lists it (Monto; Retenciones: MontoTotOperacion)"
        ),
        Column("efecto_comprobante", TEXT, "I ingreso, E egreso, T traslado, N nómina, P pago; CFDI only"),
        Column("monto_tot_ret", MONEY, "Retenciones only: total withheld (MontoTotRet)"),
        Column("cve_retenc", TEXT, "Retenciones only: withholding key (CveRetenc)"),
        Column("estatus", TEXT, "'vigente' or 'cancelado' (SAT's Estatus 1 / 0)", nullable=False),
        Column("fecha_cancelacion", TIMESTAMP, "when it was cancelled, Mexico local time; null if vigente"),
        Column("rfc_a_cuenta_terceros", TEXT_LIST, "RFCs of third parties on whose behalf it was issued"),
        Column("nombre_a_cuenta_terceros", TEXT_LIST, "their names, in the same order"),
        Column("columnas_extra", JSON_TEXT, "columns SAT sent that no column above models, as a JSON object"),
        Column("source", TEXT, "metadata file (package entry) the record was read from", nullable=False),
        Column(
            "numero_linea",
            INT,
            "line of that file where the record starts (the header is line 1)",
            nullable=False,
        ),
    ),
    key=("uuid",),
)

METADATA_RECHAZOS = Table(
    name="metadata_rechazos",
    meaning="one row per metadata line that could not be read, with the reason; the rest of the file loads",
    columns=(
        Column("source", TEXT, "metadata file (package entry) the line was read from", nullable=False),
        Column(
            "numero_linea",
            INT,
            "line of that file where the record starts (the header is line 1)",
            nullable=False,
        ),
        Column("motivo", TEXT, "what is wrong with the line", nullable=False),
        Column(
            "texto", TEXT, "the line as SAT sent it (invalid UTF-8 bytes shown as U+FFFD)", nullable=False
        ),
    ),
    key=("source", "numero_linea"),
)
