"""The list readers against files written in SAT's format, one quirk of the real files per test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from etl.lists import ListFileError, ListRead, read_list
from tests.etl.lists.sat_files import BYTE_8D, HEADER_69B, csv_bytes, file_69, file_69b, row_69b

NOTICE = "500-05-2025-39537 de fecha 16 de diciembre de 2025"
NOTICE_2026 = "500-05-2026-1 de fecha 2 de enero de 2026"


def _write(tmp_path: Path, data: bytes, name: str = "lista.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read(path: Path, size: int = 50_000) -> tuple[ListRead, pl.DataFrame, pl.DataFrame]:
    read = read_list(path)
    batches = list(read.batches(size))
    return read, pl.concat([b.rows for b in batches]), pl.concat([b.rejects for b in batches])


def test_the_69b_list_date_comes_from_line_0_and_the_header_may_follow_a_row_of_empty_cells(
    tmp_path: Path,
) -> None:
    for blank in (True, False):
        rows = [
            row_69b(1, "AAA010101AAA", "UNO SA", "Definitivo"),
            row_69b(2, "BBB010101BB1", "DOS", "Presunto"),
        ]
        read, frame, _ = _read(_write(tmp_path, file_69b(rows, blank_row=blank)))
        assert (read.family, read.archivo, read.fecha_lista) == ("69-B", "completo", date(2025, 12, 16))
        assert read.covers == {"Presunto", "Desvirtuado", "Definitivo", "Sentencia Favorable"}
        assert frame["fecha_lista"].to_list() == [date(2025, 12, 16)] * 2
        assert frame["linea"].to_list() == [4, 5] if blank else [3, 4]


def test_a_line_break_inside_a_quoted_name_is_one_record_and_the_next_record_keeps_its_line(
    tmp_path: Path,
) -> None:
    rows = [
        row_69b(1, "AAA010101AAA", "COMERCIALIZADORA\r\nDEL NORTE SA", "Definitivo"),
        row_69b(2, "BBB010101BBB", "DOS SA", "Presunto"),
    ]
    _, frame, rejects = _read(_write(tmp_path, file_69b(rows)))
    assert frame["rfc"].to_list() == ["AAA010101AAA", "BBB010101BBB"]
    assert frame["nombre"][0] == "COMERCIALIZADORA\r\nDEL NORTE SA"
    assert frame["linea"].to_list() == [4, 6]
    assert rejects.is_empty()


def test_a_byte_with_no_cp1252_character_is_replaced_recorded_and_the_rest_of_the_file_loads(
    tmp_path: Path,
) -> None:
    rows = [
        row_69b(1, "AAA010101AAA", f"PE{BYTE_8D}A SA", "Definitivo"),
        *(row_69b(n, f"BBB0101{n:02d}BB1", "SIGUE SA", "Presunto") for n in range(2, 12)),
    ]
    _, frame, rejects = _read(_write(tmp_path, file_69b(rows)))
    assert frame.height == 11
    assert rejects.is_empty()
    assert frame["nombre"][0] == "PE\ufffdA SA"
    assert "0x8D" in frame["reparaciones"][0][0]
    assert "nombre" in frame["reparaciones"][0][0]
    assert frame["reparaciones"][1].to_list() == []


def test_suppressed_rows_are_kept_and_flagged_and_the_same_rfc_keeps_both_proceedings(tmp_path: Path) -> None:
    rows = [
        row_69b(1, "XXXXXXXXXXXX", "Información suprimida por sentencia", "Definitivo"),
        row_69b(2, "AÑ&010101AB1", "DOS", "Definitivo", presuncion=(NOTICE, "16/12/2025", "", "")),
        row_69b(3, "AÑ&010101AB1", "DOS", "Presunto", presuncion=(NOTICE_2026, "", "", "")),
    ]  # fmt: skip
    _, frame, rejects = _read(_write(tmp_path, file_69b(rows)))
    assert rejects.is_empty()
    assert frame["suprimido"].to_list() == [True, False, False]
    assert frame["rfc"].to_list() == ["XXXXXXXXXXXX", "AÑ&010101AB1", "AÑ&010101AB1"]
    assert frame["situacion"].to_list() == ["Definitivo", "Definitivo", "Presunto"]


def test_notices_in_their_three_formats_are_kept_as_printed_with_their_dates_read_out(tmp_path: Path) -> None:
    notices = [
        NOTICE,
        "500 05 2025 39537 de fecha 16 de diciembre de 2025",
        "500-05-00-00-00-2026-16026 de fecha 3 de marzo de 2026",
        "500-05-2024-100 de fecha 05/07/2024",
    ]
    rows = [
        row_69b(n, f"AAA0101{n:02d}AA1", "X", "Presunto", presuncion=(text, "", "", ""))
        for n, text in enumerate(notices, 1)
    ]
    _, frame, _ = _read(_write(tmp_path, file_69b(rows)))
    assert frame["presuncion_oficio_sat"].to_list() == notices
    assert frame["presuncion_fecha_oficio_sat"].to_list() == [
        date(2025, 12, 16),
        date(2025, 12, 16),
        date(2026, 3, 3),
        date(2024, 7, 5),
    ]


def test_publication_dates_as_dd_mm_aaaa_two_in_one_cell_and_excel_serials(tmp_path: Path) -> None:
    cells = ("", "16/12/2025", "", "45000")
    definitive = ("", "01/03/2026 y 05/03/2026", "", "7/3/2026")
    rows = [row_69b(1, "AAA010101AAA", "X", "Definitivo", presuncion=cells, definitivo=definitive)]
    _, frame, _ = _read(_write(tmp_path, file_69b(rows)))
    row = frame.row(0, named=True)
    assert row["presuncion_publicacion_sat"] == date(2025, 12, 16)
    assert row["presuncion_publicacion_dof"] == date(2023, 3, 15)  # Excel's day 45000
    assert row["definitivo_publicacion_sat"] == date(2026, 3, 1)
    assert row["definitivo_publicacion_dof"] == date(2026, 3, 7)
    notes = " | ".join(row["reparaciones"])
    assert "Excel" in notes
    assert "2 fechas en una celda (01/03/2026, 05/03/2026)" in notes


def test_a_record_that_cannot_be_read_is_a_reject_with_its_line_and_reason_and_the_rest_loads(
    tmp_path: Path,
) -> None:
    rows = [
        row_69b(1, "AAA010101AAA", "BIEN", "Definitivo"),
        row_69b(2, "NO-ES-RFC", "MAL", "Definitivo"),
        row_69b(3, "CCC010101CC1", "MAL", "Quizá"),
        row_69b(4, "", "SIN RFC", "Presunto"),
        row_69b(5, "DDD010101DD1", "BIEN", "sentencia favorable"),
    ]
    _, frame, rejects = _read(_write(tmp_path, file_69b(rows, blank_row=False)))
    assert frame["rfc"].to_list() == ["AAA010101AAA", "DDD010101DD1"]
    assert frame["situacion"][1] == "Sentencia Favorable"
    assert rejects["linea"].to_list() == [4, 5, 6]
    assert [m.split(":")[0] for m in rejects["motivo"]] == [
        "RFC inválido",
        "situación desconocida",
        "sin RFC",
    ]
    assert rejects["fuente"].unique().to_list() == ["lista.csv"]
    assert "NO-ES-RFC" in rejects["texto"][0]


def test_the_presuntos_file_with_23_columns_and_a_no_dot_header_is_the_presunto_situation(
    tmp_path: Path,
) -> None:
    header = ["No.", "RFC", "Nombre del Contribuyente", *HEADER_69B[4:8], "Extra 1", "Extra 2", "Extra 3"]
    header += [""] * (23 - len(header))
    row = ["1", "AAA010101AAA", "UNO", NOTICE, "16/12/2025", "", "", "x", "y", "z", *[""] * 13]
    data = file_69b([row], title="Listado de contribuyentes presuntos", header=header)
    read, frame, rejects = _read(_write(tmp_path, data))
    assert (read.archivo, set(read.covers)) == ("Presunto", {"Presunto"})
    assert rejects.is_empty()
    assert frame.select("numero", "situacion", "presuncion_publicacion_sat").row(0) == (
        1,
        "Presunto",
        date(2025, 12, 16),
    )


def test_art_69_header_variants_and_the_list_told_by_content(tmp_path: Path) -> None:
    firmes = file_69([["AAA010101AAA", "UNO SA DE CV", "M", "FIRMES", "02/01/2024", "JALISCO"]])
    cancelados = file_69(
        [["BBB010101BB1", "DOS", "F", "CANCELADOS", "03/01/2024", "SONORA", "04/01/2024", "$1,234.50"]],
        header=["RFC", "RAZON SOCIAL", "TIPO PERSONA", "SUPUESTO", "FECHA DE PUBLICACION",
                "ENTIDAD FEDERATIVA", "FECHA DE CANCELACION", "MONTO"],
    )  # fmt: skip
    csd = file_69(
        [
            ["CCC010101CC1", "TRES SA", "SIN EFECTOS", "05/01/2024", "CDMX"],
            ["DDDD010101DD1", "PERSONA", "X", "", ""],
        ],
        header=["RFC", "NOMBRE O RAZON SOCIAL", "SUPUESTO DE CANCELACION CSD", "FECHA DE PRIMERA PUBLICACION",
                "ENTIDAD FEDERATIVA"],
    )  # fmt: skip
    sentencias = file_69(
        [["EEE010101EE1", "CINCO", "M", "SENTENCIA CONDENATORIA", "06/01/2024", "PUEBLA"]],
        header=["RFC", "RAZÓN SOCIAL", "TIPO PERSONA", "SUPUESTO", "FECHAS DE PRIMERA PUBLICACION",
                "ENTIDAD FEDERATIVA"],
    )  # fmt: skip
    found = {}
    for name, data in {"a": firmes, "b": cancelados, "c": csd, "d": sentencias}.items():
        read, frame, rejects = _read(_write(tmp_path, data, f"{name}.csv"))
        assert read.family == "69"
        assert rejects.is_empty()
        found[name] = (read, frame)
    assert found["a"][0].covers == {"Firmes"}
    assert found["a"][0].fecha_lista == date(2024, 1, 2)
    cancel = found["b"][1].row(0, named=True)
    assert (cancel["lista"], cancel["monto"], cancel["fecha_cancelacion"]) == (
        "Cancelados",
        Decimal("1234.500000"),
        date(2024, 1, 4),
    )
    assert cancel["fecha_primera_publicacion"] == date(2024, 1, 3)
    assert found["c"][1]["lista"].to_list() == ["CSD sin efectos"] * 2
    assert found["c"][1]["tipo_persona"].to_list() == ["M", "F"]  # from the RFC's length: 12, 13
    assert found["c"][1]["razon_social"][0] == "TRES SA"
    assert found["d"][1]["lista"].to_list() == ["Sentencias"]


def test_the_same_rfc_on_several_art_69_rows_is_kept_on_each(tmp_path: Path) -> None:
    rows = [["AAA010101AAA", "UNO", "M", "EXIGIBLES", f"0{n}/02/2024", "JALISCO"] for n in range(1, 4)]
    read, frame, _ = _read(_write(tmp_path, file_69(rows)))
    assert frame.height == 3
    assert frame["rfc"].n_unique() == 1
    assert read.covers == {"Exigibles"}
    assert read.fecha_lista == date(2024, 2, 3)


def test_a_full_list_whose_rows_are_all_of_one_situation_is_read_as_that_situations_file(
    tmp_path: Path,
) -> None:
    read, _, _ = _read(_write(tmp_path, file_69b([row_69b(1, "AAA010101AAA", "UNO", "Definitivo")])))
    assert (read.archivo, set(read.covers)) == ("Definitivo", {"Definitivo"})


def test_a_file_that_is_no_sat_list_is_refused_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="no header with an RFC"):
        read_list(_write(tmp_path, csv_bytes([["a", "b"], ["1", "2"]]), "Listado_completo_69-B.csv"))
    with pytest.raises(ListFileError, match="Información actualizada"):
        read_list(_write(tmp_path, file_69b([], date_line="sin fecha"), "x.csv"))


def test_a_copy_resaved_as_utf8_reads_the_same_as_sats_cp1252(tmp_path: Path) -> None:
    rows = [row_69b(1, "AÑA010101AA1", "PEÑA Y MUÑOZ", "Definitivo")]
    original = file_69b(rows)
    resaved = "\ufeff".encode() + original.decode("cp1252").encode("utf-8")
    _, cp1252, _ = _read(_write(tmp_path, original, "a.csv"))
    _, utf8, _ = _read(_write(tmp_path, resaved, "b.csv"))
    columns = ["rfc", "nombre", "situacion", "linea"]
    assert cp1252.select(columns).equals(utf8.select(columns))
    assert utf8["nombre"][0] == "PEÑA Y MUÑOZ"


def test_a_large_file_streams_in_batches_of_the_requested_size(tmp_path: Path) -> None:
    rows = [[f"AAA0101{n % 100:02d}AA1", "X", "M", "FIRMES", "01/01/2024", ""] for n in range(25)]
    read = read_list(_write(tmp_path, file_69(rows)))
    heights = [b.rows.height for b in read.batches(size=10)]
    assert heights == [10, 10, 5]
    assert read.records == 25


def test_an_unclosed_quote_is_a_reject_saying_so_not_a_row_with_a_giant_name(tmp_path: Path) -> None:
    rows = [
        row_69b(1, "AAA010101AAA", "BIEN", "Definitivo"),
        row_69b(2, "BBB010101BB1", 'COMILLA "ABIERTA', "Definitivo"),
        *(row_69b(n, f"CCC0101{n:02d}CC1", "TRAGADO", "Presunto") for n in range(3, 9)),
    ]
    data = file_69b(rows, blank_row=False).replace(b'"COMILLA ""ABIERTA"', b'"COMILLA ABIERTA')
    _, frame, rejects = _read(_write(tmp_path, data))
    assert frame["rfc"].to_list() == ["AAA010101AAA"]
    assert rejects["linea"].to_list() == [4]
    assert rejects["motivo"][0].startswith("comillas sin cerrar: el registro abarca")
