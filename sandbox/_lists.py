"""SAT's published lists of taxpayers (Art. 69-B, Art. 69) as the sandbox publishes them: byte for byte in
SAT's format (cp1252, CRLF, `"` quoting, the 69-B preamble and its quirks), listing some counterparts of
the corpus so that a demo finds hits, and changing from one version to the next.

Version 0 is dated the first day of the month the sandbox started in; `publish_next()` publishes the next
month's. In each version the 69-B list moves some counterparts on (Presunto, then Definitivo, a few
Desvirtuado or Sentencia Favorable) and adds new Presuntos; of the Art. 69 files only `Firmes` changes
(SAT replaces those one at a time). Each file's Last-Modified is the date of the version that last changed
it, and a GET with an If-Modified-Since at or after it is answered 304.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sandbox.corpus._parties import counterpart
from sandbox.corpus._plan import POOL_SIZE

__all__ = ["HEADER_69B", "LIST_PATHS", "ListFile", "PublishedLists"]

_AGAFF, _AGR = "Documents_AGAFF/", "Documents_AGR/"
_BYTE_8D = "<0x8D>"  # becomes the byte 0x8D, which has no cp1252 character (SAT has had it in a name)
HEADER_69B = (
    "No", "RFC", "Nombre del Contribuyente", "Situación del contribuyente",
    "Número y fecha de oficio global de presunción SAT", "Publicación página SAT presuntos",
    "Número y fecha de oficio global de presunción DOF", "Publicación DOF presuntos",
    "Número y fecha de oficio global de contribuyentes que desvirtuaron SAT",
    "Publicación página SAT desvirtuados",
    "Número y fecha de oficio global de contribuyentes que desvirtuaron DOF", "Publicación DOF desvirtuados",
    "Número y fecha de oficio global de definitivos SAT", "Publicación página SAT definitivos",
    "Número y fecha de oficio global de definitivos DOF", "Publicación DOF definitivos",
    "Número y fecha de oficio global de sentencia favorable SAT",
    "Publicación página SAT sentencia favorable",
    "Número y fecha de oficio global de sentencia favorable DOF", "Publicación DOF sentencia favorable",
)  # fmt: skip
_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre")  # fmt: skip
_SITUATION_FILES = {
    "Presunto": ("Presuntos.csv", "presuntos"),
    "Desvirtuado": ("Desvirtuados.csv", "que desvirtuaron"),
    "Definitivo": ("Definitivos.csv", "definitivos"),
    "Sentencia Favorable": ("SentenciasFavorables.csv", "con sentencia favorable"),
}
# Art. 69 files: (file, SUPUESTO, header). Two have no TIPO PERSONA; the variants are SAT's.
_BASE_69 = (
    "RFC",
    "RAZON SOCIAL",
    "TIPO PERSONA",
    "SUPUESTO",
    "FECHA DE PRIMERA PUBLICACION",
    "ENTIDAD FEDERATIVA",
)
_FILES_69 = (
    ("Firmes.csv", "FIRMES", _BASE_69),
    ("No_localizados.csv", "NO LOCALIZADOS", _BASE_69),
    ("Cancelados.csv", "CANCELADOS", ("RFC", "RAZON SOCIAL", "TIPO PERSONA", "SUPUESTO",
                                      "FECHA DE PUBLICACION",
                                      "ENTIDAD FEDERATIVA", "FECHA DE CANCELACION", "MONTO")),
    ("Exigibles.csv", "EXIGIBLES", _BASE_69),
    ("CSDsinefectos.csv", "CSD SIN EFECTOS", ("RFC", "NOMBRE O RAZON SOCIAL", "SUPUESTO DE CANCELACION CSD",
                                              "FECHA DE PRIMERA PUBLICACION", "ENTIDAD FEDERATIVA")),
    ("EntespublicosydeGobiernoomisos.csv", "OMISOS", ("RFC", "RAZON SOCIAL", "SUPUESTO",
                                                      "FECHA DE PRIMERA PUBLICACION", "ENTIDAD FEDERATIVA",
                                                      "EJERCICIO", "PERIODO")),
    ("Sentencias.csv", "SENTENCIAS", ("RFC", "RAZÓN SOCIAL", "TIPO PERSONA", "SUPUESTO",
                                      "FECHAS DE PRIMERA PUBLICACION", "ENTIDAD FEDERATIVA")),
)  # fmt: skip
_STATES = ("JALISCO", "NUEVO LEÓN", "CIUDAD DE MÉXICO", "PUEBLA", "SONORA", "YUCATÁN")
LIST_PATHS = (
    _AGAFF + "Listado_completo_69-B.csv",
    *(_AGAFF + name for name, _ in _SITUATION_FILES.values()),
    *(_AGR + name for name, _, _ in _FILES_69),
)


def _month(first: date, offset: int) -> date:
    index = first.year * 12 + first.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def _csv(records: list[list[str]]) -> bytes:
    text = "".join(",".join(_cell(v) for v in record) + "\r\n" for record in records)
    return text.encode("cp1252").replace(_BYTE_8D.encode(), b"\x8d")


def _long(day: date) -> str:
    return f"{day.day} de {_MONTHS[day.month - 1]} de {day.year}"


def _notice(number: int, day: date, style: int) -> str:
    """SAT's three ways of writing a notice's number, each followed by its date."""
    if style == 0:
        return f"500-05-{day.year}-{number} de fecha {_long(day)}"
    if style == 1:
        return f"500 05 {day.year} {number} de fecha {_long(day)}"
    return f"500-05-00-00-00-{day.year}-{number} de fecha {_long(day)}"


@dataclass(frozen=True, slots=True)
class ListFile:
    content: bytes
    last_modified: datetime  # UTC


@dataclass(frozen=True, slots=True)
class _Listed:
    rfc: str
    name: str
    situation: str
    presuncion: date
    resolutions: tuple[date | None, date | None, date | None]  # desvirtuado, definitivo, sentencia favorable
    style: int


class PublishedLists:
    """The lists as of the current version; thread-safe (the HTTP server's threads read it)."""

    def __init__(self, seed: int, first: date) -> None:
        self.seed = seed
        self.first = first.replace(day=1)
        self.version = 0
        self._lock = threading.Lock()

    @classmethod
    def starting_now(cls, seed: int) -> PublishedLists:
        return cls(seed, datetime.now(UTC).date())

    def publish_next(self) -> date:
        """Publish the next version (dated a month later) and return its date."""
        with self._lock:
            self.version += 1
            return self.date_of(self.version)

    def date_of(self, version: int) -> date:
        return _month(self.first, version)

    @property
    def base_path(self) -> str:
        return "/listas/"

    def file(self, path: str) -> ListFile | None:
        """The file at `path` (relative to the lists' base, e.g. `Documents_AGAFF/...csv`) in this version."""
        with self._lock:
            version = self.version
        if path == _AGAFF + "Listado_completo_69-B.csv":
            return ListFile(self._file_69b(version, None), self._stamp(version))
        for situation, (name, _) in _SITUATION_FILES.items():
            if path == _AGAFF + name:
                return ListFile(self._file_69b(version, situation), self._stamp(version))
        for index, spec in enumerate(_FILES_69):
            if path == _AGR + spec[0]:
                changed = version if index == 0 else 0  # only Firmes changes between versions
                return ListFile(self._file_69(changed, spec), self._stamp(changed))
        return None

    def _stamp(self, version: int) -> datetime:
        day = self.date_of(version)
        return datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)

    def listed_69b(self, version: int) -> list[_Listed]:
        """Every fifth counterpart of the corpus goes through the stages, a third of them entering per
        version; an RFC with a second, older proceeding; and synthetic taxpayers not in the corpus."""
        found: list[_Listed] = []
        for k, pool_index in enumerate(range(0, POOL_SIZE, 5)):
            entered = k % 3 - 1  # the version whose list first showed it (Presunto)
            age = version - entered + 1
            if age <= 0:
                continue
            party = counterpart(self.seed, pool_index)
            presuncion = self.date_of(entered) - timedelta(days=20)
            later = self.date_of(entered + 1) - timedelta(days=10)
            resolutions: tuple[date | None, date | None, date | None] = (None, None, None)
            if age == 1:
                situation = "Presunto"
            elif k % 7 == 3:
                situation, resolutions = "Desvirtuado", (later, None, None)
            elif k % 11 == 4 and age >= 3:
                favourable = self.date_of(entered + 2) - timedelta(days=5)
                situation, resolutions = "Sentencia Favorable", (None, later, favourable)
            else:
                situation, resolutions = "Definitivo", (None, later, None)
            found.append(_Listed(party.rfc, party.name, situation, presuncion, resolutions, k % 3))
            if k == 0:  # a second proceeding of the same RFC, years before, that it disproved
                old = (date(2019, 9, 9), None, None)
                found.append(_Listed(party.rfc, party.name, "Desvirtuado", date(2019, 3, 4), old, 1))
        for n in range(12):
            rfc = f"F{'Ñ' if n == 3 else '&' if n == 5 else 'I'}L{900101 + n:06d}AB{n % 10}"
            name = f"CONTRIBUYENTE SINTÉTICO {n}" + (f" PE{_BYTE_8D}A" if n == 7 else "")
            definitive = (None, date(2020, 6, 1 + n), None)
            found.append(_Listed(rfc, name, "Definitivo", date(2020, 1, 1 + n), definitive, n % 3))
        return found

    def _row_69b(self, number: int, listed: _Listed, k: int) -> list[str]:
        cells = [str(number), listed.rfc, listed.name, listed.situation]
        sat = f"{listed.presuncion:%d/%m/%Y}"
        in_dof = listed.presuncion + timedelta(days=4)
        # Some rows hold an Excel serial number (days since 1899-12-30) where a date should be.
        dof = str((in_dof - date(1899, 12, 30)).days) if k % 17 == 1 else f"{in_dof:%d/%m/%Y}"
        notice = _notice(30000 + k, listed.presuncion - timedelta(days=3), listed.style)
        cells += [notice, sat, notice, dof]
        for resolved in listed.resolutions:
            if resolved is None:
                cells += ["", "", "", ""]
                continue
            notice = _notice(40000 + k, resolved - timedelta(days=3), (listed.style + 1) % 3)
            published = f"{resolved:%d/%m/%Y}"
            if k % 13 == 0:  # two dates in one cell, as some rows have
                published += f" y {resolved + timedelta(days=7):%d/%m/%Y}"
            cells += [notice, published, notice, f"{resolved + timedelta(days=2):%d/%m/%Y}"]
        return cells

    def _file_69b(self, version: int, situation: str | None) -> bytes:
        listed = self.listed_69b(version)
        day = self.date_of(version)
        rows = [self._row_69b(n, item, n) for n, item in enumerate(listed, 1)]
        suppressed = "Información suprimida conforme a resolución judicial"
        rows.append([str(len(rows) + 1), "XXXXXXXXXXXX", suppressed, "Definitivo", *[""] * 16])
        header = list(HEADER_69B)
        if situation is None:
            title = "Listado completo de contribuyentes (Artículo 69-B del Código Fiscal de la Federación)"
        else:
            title = f"Listado de contribuyentes {_SITUATION_FILES[situation][1]} (Artículo 69-B)"
            rows = [row for row in rows if row[3] == situation]
        if situation == "Presunto":  # SAT's Presuntos.csv: 23 columns and a `No.` header
            header = ["No.", *header[1:], "", "", ""]
            rows = [[*row, "", "", ""] for row in rows]
        note = f"Información actualizada al {_long(day)}"
        blank = [""] * len(header)
        return _csv([[note], [title], blank, header, *rows])

    def _file_69(self, version: int, spec: tuple[str, str, tuple[str, ...]]) -> bytes:
        name, supuesto, header = spec
        index = next(i for i, s in enumerate(_FILES_69) if s[0] == name)
        rows: list[list[str]] = []
        for k, pool_index in enumerate(range(2, POOL_SIZE, 7)):
            if k % len(_FILES_69) != index or (index == 0 and k // len(_FILES_69) > version + 2):
                continue
            party = counterpart(self.seed, pool_index)
            # Firmes grows by version, each newcomer first published in its version's month; the other
            # files' dates lie in the months before version 0.
            months_back = k // len(_FILES_69) - 2 if index == 0 else -1 - k % 12
            published = self.date_of(months_back) - timedelta(days=1 + k % 27)
            repeats = 2 if supuesto == "EXIGIBLES" else 1  # the same RFC on several rows: several debts
            for repeat in range(repeats):
                values = {
                    "RFC": party.rfc,
                    "RAZON SOCIAL": party.name + (f" {_BYTE_8D}" if index == 0 and k == 0 else ""),
                    "TIPO PERSONA": "F" if party.is_person else "M",
                    "SUPUESTO": supuesto,
                    "FECHA DE PRIMERA PUBLICACION": f"{published - timedelta(days=31 * repeat):%d/%m/%Y}",
                    "ENTIDAD FEDERATIVA": _STATES[k % len(_STATES)],
                    "FECHA DE CANCELACION": f"{published + timedelta(days=40):%d/%m/%Y}",
                    "MONTO": f"{1000 + 37 * k:,}.50",
                    "EJERCICIO": str(2020 + k % 4),
                    "PERIODO": str(1 + k % 12),
                }
                aliases = {"RAZÓN SOCIAL": "RAZON SOCIAL", "NOMBRE O RAZON SOCIAL": "RAZON SOCIAL",
                           "SUPUESTO DE CANCELACION CSD": "SUPUESTO", "FECHA DE PUBLICACION":
                           "FECHA DE PRIMERA PUBLICACION", "FECHAS DE PRIMERA PUBLICACION":
                           "FECHA DE PRIMERA PUBLICACION"}  # fmt: skip
                rows.append([values[aliases.get(column, column)] for column in header])
        return _csv([list(header), *rows])
