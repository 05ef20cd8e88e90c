"""SAT's published lists of taxpayers (Art. 69-B, Art. 69): the current records, the versions loaded, the
history of who entered or left a situation, and the records that could not be read.

These tables are not partitioned by RFC and month: a list is SAT's, the same for every loaded taxpayer.
"""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import BOOL, DATE, INT, MONEY, TEXT, TEXT_LIST, TIMESTAMP

__all__ = [
    "LISTAS_HISTORIAL",
    "LISTAS_RECHAZOS",
    "LISTAS_VERSIONES",
    "LISTA_69",
    "LISTA_69B",
    "LIST_TABLES",
    "SITUACIONES_69B",
    "STAGES_69B",
]

# SAT's four values of "Situación del contribuyente", spelled as SAT spells them.
SITUACIONES_69B = ("Presunto", "Desvirtuado", "Definitivo", "Sentencia Favorable")
# Each stage of a 69-B proceeding has four cells: SAT's global notice (number and date), its publication on
# SAT's page, the notice in the DOF, and its DOF publication.
STAGES_69B = ("presuncion", "desvirtuado", "definitivo", "sentencia_favorable")
_STAGE_WORDS = {
    "presuncion": "presunción",
    "desvirtuado": "contribuyentes que desvirtuaron",
    "definitivo": "definitivos",
    "sentencia_favorable": "sentencia favorable",
}


def _stage_columns(stage: str) -> tuple[Column, ...]:
    words = _STAGE_WORDS[stage]
    return (
        Column(f"{stage}_oficio_sat", TEXT, f"number and date of SAT's global notice ({words}), as printed"),
        Column(f"{stage}_fecha_oficio_sat", DATE, "the date written in that notice"),
        Column(f"{stage}_publicacion_sat", DATE, f"when SAT's page published it ({words})"),
        Column(
            f"{stage}_oficio_dof", TEXT, f"number and date of the notice in the DOF ({words}), as printed"
        ),
        Column(f"{stage}_fecha_oficio_dof", DATE, "the date written in that notice"),
        Column(f"{stage}_publicacion_dof", DATE, f"when the DOF published it ({words})"),
    )


_SOURCE = (
    Column("fuente", TEXT, "the file the record was read from (its name or URL)", nullable=False),
    Column("sha256", TEXT, "sha256 of that file's bytes", nullable=False),
    Column("linea", INT, "line of the file where the record starts (0 is the first line)", nullable=False),
    Column(
        "reparaciones",
        TEXT_LIST,
        "what was repaired to read the record (a byte with no cp1252 character, two dates in one cell, "
        "an Excel serial date, a notice whose date could not be read); empty when nothing",
    ),
)

LISTA_69B = Table(
    name="lista_69b",
    meaning=(
        "SAT's Art. 69-B list (taxpayers presumed to invoice simulated operations), one row per record of "
        "the newest version loaded for each situation (the full list, or a per-situation file when newer). "
        "The same RFC can have several rows (several proceedings); suppressed rows are kept and flagged"
    ),
    columns=(
        Column(
            "rfc", TEXT, "the taxpayer's RFC as printed (XXXXXXXXXXXX when SAT suppressed it)", nullable=False
        ),
        Column("nombre", TEXT, "Nombre del Contribuyente"),
        Column(
            "situacion",
            TEXT,
            "Situación del contribuyente: Presunto, Desvirtuado, Definitivo or Sentencia Favorable",
            nullable=False,
        ),
        Column("suprimido", BOOL, "SAT suppressed the taxpayer's data on this row", nullable=False),
        Column("numero", INT, "the No column"),
        *(column for stage in STAGES_69B for column in _stage_columns(stage)),
        Column(
            "archivo",
            TEXT,
            "which file: 'completo' (all situations) or the one situation it lists",
            nullable=False,
        ),
        Column("fecha_lista", DATE, "the list's own date (Información actualizada al ...)", nullable=False),
        *_SOURCE,
    ),
    key=("sha256", "linea"),
    partitioned=False,
)

LISTA_69 = Table(
    name="lista_69",
    meaning=(
        "SAT's Art. 69 lists (taxpayers in breach: firmes, no localizados, cancelados, exigibles, CSD sin "
        "efectos, entes públicos omisos, sentencias), one row per record of the newest version loaded of "
        "each list. The same RFC can be on several rows of one list (different debts or periods)"
    ),
    columns=(
        Column("rfc", TEXT, "the taxpayer's RFC", nullable=False),
        Column("razon_social", TEXT, "RAZON SOCIAL (or NOMBRE O RAZON SOCIAL)"),
        Column(
            "tipo_persona",
            TEXT,
            "M (company) or F (person); from the RFC's length (12, 13) when the file has no TIPO PERSONA",
        ),
        Column("supuesto", TEXT, "SUPUESTO as printed (for CSD sin efectos: SUPUESTO DE CANCELACION CSD)"),
        Column(
            "lista",
            TEXT,
            "which list: Firmes, No localizados, Cancelados, Exigibles, CSD sin efectos, "
            "Entes publicos omisos, Sentencias",
            nullable=False,
        ),
        Column("fecha_primera_publicacion", DATE, "FECHA DE PRIMERA PUBLICACION"),
        Column("entidad_federativa", TEXT, "ENTIDAD FEDERATIVA"),
        Column("fecha_cancelacion", DATE, "FECHA DE CANCELACION (Cancelados)"),
        Column("monto", MONEY, "MONTO (Cancelados), in MXN"),
        Column("ejercicio", TEXT, "EJERCICIO (entes públicos omisos)"),
        Column("periodo", TEXT, "PERIODO (entes públicos omisos)"),
        Column(
            "fecha_lista",
            DATE,
            "the list's date: SAT prints none in Art. 69 files, so the newest first publication in the file",
            nullable=False,
        ),
        *_SOURCE,
    ),
    key=("sha256", "linea"),
    partitioned=False,
)

LISTAS_VERSIONES = Table(
    name="listas_versiones",
    meaning=(
        "one row per list file loaded (by content: the same bytes load once). A file older than what is "
        "already current for a situation is recorded but changes neither the lists nor their history"
    ),
    columns=(
        Column("sha256", TEXT, "sha256 of the file's bytes", nullable=False),
        Column("fuente", TEXT, "the file's name or URL when it was first loaded", nullable=False),
        Column("familia", TEXT, "'69-B' or '69'", nullable=False),
        Column(
            "archivo",
            TEXT,
            "for 69-B 'completo' or its one situation; for 69 the lists it holds",
            nullable=False,
        ),
        Column("fecha_lista", DATE, "the list's own date", nullable=False),
        Column("cubre", TEXT_LIST, "the situations (69-B) or lists (69) the file is the whole of"),
        Column("aplicada", TEXT_LIST, "of those, the ones it became the current version of"),
        Column("registros", INT, "records read and stored", nullable=False),
        Column("contribuyentes", INT, "distinct RFCs among them (rows are not taxpayers)", nullable=False),
        Column("rechazos", INT, "records that could not be read (in listas_rechazos)", nullable=False),
        Column("reparados", INT, "records stored with a repair", nullable=False),
        Column("cargado_en", TIMESTAMP, "when it was loaded (UTC)", nullable=False),
    ),
    key=("sha256",),
    partitioned=False,
)

LISTAS_HISTORIAL = Table(
    name="listas_historial",
    meaning=(
        "when each RFC entered (alta) or left (baja) a 69-B situation or an Art. 69 list, across the "
        "versions loaded: a version compared with the one it replaced. Rows of the first version loaded "
        "have no fecha_lista_anterior (the RFC was already there, since an unknown date)"
    ),
    columns=(
        Column("familia", TEXT, "'69-B' or '69'", nullable=False),
        Column("rfc", TEXT, "the taxpayer", nullable=False),
        Column("situacion", TEXT, "the 69-B situation or the Art. 69 list", nullable=False),
        Column("evento", TEXT, "'alta' (now there) or 'baja' (no longer there)", nullable=False),
        Column("fecha_lista", DATE, "the date of the version that showed the change", nullable=False),
        Column("fecha_lista_anterior", DATE, "the date of the version it was compared with"),
        Column("sha256", TEXT, "the file of the version that showed it", nullable=False),
    ),
    key=("familia", "rfc", "situacion", "evento", "fecha_lista"),
    partitioned=False,
)

LISTAS_RECHAZOS = Table(
    name="listas_rechazos",
    meaning="one row per list record that could not be read, with its file, line and reason; the rest loaded",
    columns=(
        Column("fuente", TEXT, "the file", nullable=False),
        Column("sha256", TEXT, "sha256 of the file's bytes", nullable=False),
        Column("linea", INT, "line where the record starts (0 is the first line)", nullable=False),
        Column("motivo", TEXT, "what is wrong with it", nullable=False),
        Column("texto", TEXT, "the record as read (its first 500 characters)"),
    ),
    key=("sha256", "linea"),
    partitioned=False,
)

LIST_TABLES = (LISTA_69B, LISTA_69, LISTAS_VERSIONES, LISTAS_HISTORIAL, LISTAS_RECHAZOS)
