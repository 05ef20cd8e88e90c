"""etl.parse.metadata: SAT's metadata text to typed rows, rejects with line numbers, and a record count."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from etl.parse.metadata import MetadataError, MetadataResult, parse_metadata, parse_metadata_package
from schemas.metadata import METADATA, METADATA_RECHAZOS
from tests.paths import SAT_FIXTURES

HEADER = (
    "Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat"
    "~Monto~EfectoComprobante~Estatus~FechaCancelacion"
)
UUID_1 = "E7215E3B-2DC5-4A40-AB10-C902FF9258DF"
UUID_2 = "129C4D12-1415-4ACE-BE12-34E71C4EAB4E"
UUID_3 = "11111111-AAAA-BBBB-0000-000000000003"


def record(uuid: str, *, nombre: str = "EMPRESA SA", monto: str = "100.50", estatus: str = "1") -> str:
    cancelada = "2024-02-01 10:00:00" if estatus == "0" else ""
    return (
        f"{uuid}~AAA010101AAA~{nombre}~COSC8001137NA~CARLOS CORTES~SNF171020F3A~2024-01-05 09:30:00"
        f"~2024-01-05 09:31:10~{monto}~I~{estatus}~{cancelada}"
    )


def parse(text: str, *, tercero: str | None = None) -> MetadataResult:
    result = parse_metadata(
        text.encode(), "m_01.txt", None if tercero is None else tercero.encode(), "m_tercero.txt"
    )
    METADATA.check(result.frame)
    METADATA_RECHAZOS.check(result.rejects)
    return result


def fixture_entry(package: str, suffix: str) -> tuple[str, bytes]:
    with zipfile.ZipFile(SAT_FIXTURES / "packages" / package) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(suffix) and "/" not in n]
        return name, archive.read(name)


def test_the_real_crlf_file_without_final_newline_reads_both_records_exactly() -> None:
    name, data = fixture_entry("metadata.zip", "_01.txt")
    result = parse_metadata(data, name)

    METADATA.check(result.frame)
    assert result.record_count == 2
    assert result.rejects.is_empty()
    first, second = result.frame.to_dicts()
    assert first == {
        "uuid": "e7215e3b-2dc5-4a40-ab10-c902ff9258df",
        "rfc_emisor": "XAXX010101000",
        "nombre_emisor": "RAZON SOCIAL 1",
        "rfc_receptor": "XAXX010101001",
        "nombre_receptor": "RAZON SOCIAL 1 SA DE CV",
        "rfc_pac": "XAXX010101003",
        "fecha_emision": datetime(2018, 1, 11, 7, 10, 23),
        "fecha_certificacion_sat": datetime(2018, 1, 11, 7, 10, 51),
        "monto": Decimal("1124.11"),
        "efecto_comprobante": "I",
        "monto_tot_ret": None,
        "cve_retenc": None,
        "estatus": "vigente",
        "fecha_cancelacion": None,
        "rfc_a_cuenta_terceros": None,
        "nombre_a_cuenta_terceros": None,
        "columnas_extra": None,
        "source": name,
        "numero_linea": 2,
    }
    assert second["uuid"] == UUID_2.lower()
    assert second["monto"] == Decimal("1485.17")
    assert second["numero_linea"] == 3


def test_third_parties_join_on_the_uuid_whatever_its_letter_case() -> None:
    name, data = fixture_entry("metadata-terceros.zip", "_01.txt")
    tercero_name, tercero = fixture_entry("metadata-terceros.zip", "_tercero.txt")
    result = parse_metadata(data, name, tercero, tercero_name)

    assert result.record_count == 5
    assert result.rejects.is_empty()
    rows = (
        result.frame.sort("uuid").select("uuid", "rfc_a_cuenta_terceros", "nombre_a_cuenta_terceros").rows()
    )
    assert rows == [
        ("11111111-aaaa-bbbb-0000-000000000001", None, None),
        ("11111111-aaaa-bbbb-0000-000000000002", ["AAAA010101AA1"], ["PERSONA FISICA UNO"]),
        ("11111111-aaaa-bbbb-0000-000000000003", ["AAAA010101AA2"], ["PERSONA FISICA DOS"]),
        ("11111111-aaaa-bbbb-0000-000000000004", ["AAAA010101AA3"], ["PERSONA FISICA TRES"]),
        ("11111111-aaaa-bbbb-0000-000000000005", None, None),
    ]
    assert result.frame["monto"].to_list()[-1] == Decimal("999887.65")


def test_a_document_with_several_third_parties_keeps_them_all_in_order() -> None:
    tercero = "Uuid~RfcACuentaTerceros~NombreACuentaTerceros\n"
    tercero += f"{UUID_1}~AAAA010101AA1~UNO\n{UUID_1}~BBBB010101BB2~DOS\n"
    result = parse(f"{HEADER}\r\n{record(UUID_1)}\r\n", tercero=tercero)

    assert result.frame.height == 1
    assert result.frame["rfc_a_cuenta_terceros"].to_list() == [["AAAA010101AA1", "BBBB010101BB2"]]
    assert result.frame["nombre_a_cuenta_terceros"].to_list() == [["UNO", "DOS"]]


def test_a_third_party_for_an_unknown_uuid_is_reported_not_dropped() -> None:
    tercero = f"Uuid~RfcACuentaTerceros~NombreACuentaTerceros\n{UUID_3}~AAAA010101AA1~UNO\n"
    result = parse(f"{HEADER}\r\n{record(UUID_1)}\r\n", tercero=tercero)

    assert result.frame["rfc_a_cuenta_terceros"].to_list() == [None]
    assert result.rejects.rows() == [
        (
            "m_tercero.txt",
            2,
            f"third party for Uuid {UUID_3}, which no metadata record lists",
            f"{UUID_3}~AAAA010101AA1~UNO",
        )
    ]


def test_a_bare_lf_inside_a_crlf_record_is_part_of_the_name_and_later_lines_keep_their_numbers() -> None:
    broken = record(UUID_1, nombre="RAZON\nSOCIAL\nUNO")
    text = f"{HEADER}\r\n{broken}\r\n{record(UUID_2, monto='mil pesos')}\r\n{record(UUID_3)}"
    result = parse(text)

    assert result.record_count == 3
    assert result.frame["nombre_emisor"].to_list() == ["RAZONSOCIALUNO", "EMPRESA SA"]
    assert result.frame["numero_linea"].to_list() == [2, 6]
    assert result.rejects.rows() == [
        (
            "m_01.txt",
            5,
            "Monto mil pesos is not an amount with '.' and at most 6 decimals",
            record(UUID_2, monto="mil pesos"),
        )
    ]


def test_a_bom_is_stripped_and_blank_lines_are_neither_loaded_nor_counted() -> None:
    data = ("\ufeff" + f"{HEADER}\r\n\r\n{record(UUID_1)}\r\n\r\n{record(UUID_2)}\r\n\r\n").encode()
    result = parse_metadata(data, "bom.txt")

    assert result.record_count == 2
    assert result.frame["uuid"].to_list() == [UUID_1.lower(), UUID_2.lower()]
    assert result.frame["numero_linea"].to_list() == [3, 5]
    assert result.rejects.is_empty()


def test_a_literal_double_quote_is_part_of_the_value_since_sat_does_not_quote() -> None:
    name = 'LA "NUEVA" ESPERANZA'
    result = parse(f"{HEADER}\r\n{record(UUID_1, nombre=name)}\r\n")

    assert result.frame["nombre_emisor"].to_list() == [name]


def test_columns_are_read_by_header_name_extra_ones_kept_and_missing_trailing_ones_empty() -> None:
    header = "Estatus~Uuid~Monto~RfcEmisor~Nuevo Campo~FechaEmision~EfectoComprobante~FechaCancelacion"
    text = (
        f"{header}\n0~{UUID_1}~10.5~AAA010101AAA~x~2024-01-05 09:30:00~E~2024-03-01 00:00:00\n1~{UUID_2}~7\n"
    )
    result = parse(text)

    assert result.rejects.is_empty()
    first, second = result.frame.to_dicts()
    assert (first["uuid"], first["estatus"], first["monto"]) == (UUID_1.lower(), "cancelado", Decimal("10.5"))
    assert first["fecha_cancelacion"] == datetime(2024, 3, 1)
    assert first["columnas_extra"] == '{"Nuevo Campo":"x"}'
    assert first["nombre_receptor"] is None
    assert (second["estatus"], second["monto"], second["rfc_emisor"]) == ("vigente", Decimal(7), None)
    assert second["columnas_extra"] == '{"Nuevo Campo":null}'


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (record("not-a-uuid"), "Uuid not-a-uuid is not a UUID"),
        (record(UUID_1, estatus="2"), "Estatus 2 is not 1 (vigente) or 0 (cancelado)"),
        (record(UUID_1, monto="1e5"), "Monto 1e5 is not an amount with '.' and at most 6 decimals"),
        (
            record(UUID_1, monto="1.1234567"),
            "Monto 1.1234567 is not an amount with '.' and at most 6 decimals",
        ),
        (record(UUID_1, monto="1,000.00"), "Monto 1,000.00 is not an amount with '.' and at most 6 decimals"),
        (
            record(UUID_1).replace("2024-01-05 09:30:00", "2024-02-30 09:30:00"),
            "FechaEmision 2024-02-30 09:30:00",
        ),
        (record(UUID_1).replace("AAA010101AAA", "NO ES RFC"), "RfcEmisor NO ES RFC is not an RFC"),
        (record(UUID_1).replace("~I~", "~X~"), "EfectoComprobante X is not one of I, E, T, N, P"),
        (record(UUID_1) + "~extra~más", "more fields than the 12 of the header"),
        ("~" + record(UUID_1).split("~", 1)[1], "Uuid is empty"),
    ],
)
def test_a_line_that_cannot_be_read_is_rejected_with_its_number_and_reason_and_the_rest_loads(
    line: str, reason: str
) -> None:
    result = parse(f"{HEADER}\r\n{record(UUID_2)}\r\n{line}\r\n{record(UUID_3)}\r\n")

    assert result.record_count == 3
    assert result.frame["uuid"].to_list() == [UUID_2.lower(), UUID_3.lower()]
    ((source, line_number, motivo, texto),) = result.rejects.rows()
    assert (source, line_number, texto) == ("m_01.txt", 3, line)
    assert motivo.startswith(reason)


def test_a_line_that_is_not_utf8_is_rejected_and_the_others_load() -> None:
    data = f"{HEADER}\r\n{record(UUID_1)}\r\n".encode() + record(UUID_2, nombre="PE\xd1A").encode("latin-1")
    result = parse_metadata(data + f"\r\n{record(UUID_3)}".encode(), "latin.txt")

    assert result.record_count == 3
    assert result.frame["uuid"].to_list() == [UUID_1.lower(), UUID_3.lower()]
    assert result.rejects["numero_linea"].to_list() == [3]
    assert result.rejects["motivo"].to_list() == ["not valid UTF-8 (byte 53 of the line)"]
    assert "PE\ufffdA" in result.rejects["texto"][0]


def test_a_uuid_listed_twice_loads_once_and_the_repeat_is_reported() -> None:
    result = parse(
        f"{HEADER}\r\n{record(UUID_1)}\r\n{record(UUID_2)}\r\n{record(UUID_1.lower(), estatus='0')}"
    )

    assert result.record_count == 3
    assert result.frame.select("uuid", "estatus").rows() == [
        (UUID_1.lower(), "vigente"),
        (UUID_2.lower(), "vigente"),
    ]
    assert result.rejects.select("numero_linea", "motivo").rows() == [
        (4, "Uuid repeated: first listed in m_01.txt line 2")
    ]


def test_a_header_only_file_has_no_records() -> None:
    result = parse(HEADER + "\r\n")

    assert (result.record_count, result.frame.height, result.rejects.height) == (0, 0, 0)


@pytest.mark.parametrize(
    "text", ["This is not an CSV file, is created to test content filter\n", "", "a~b\n1~2"]
)
def test_a_file_that_is_not_metadata_is_refused_as_a_whole(text: str) -> None:
    with pytest.raises(MetadataError, match="not SAT metadata"):
        parse_metadata(text.encode(), "x.txt")


def test_large_amounts_keep_every_cent() -> None:
    result = parse(
        f"{HEADER}\n{record(UUID_1, monto='999999999999.999999')}\n{record(UUID_2, monto='-0.01')}\n"
    )

    assert result.frame["monto"].to_list() == [Decimal("999999999999.999999"), Decimal("-0.01")]
    assert result.frame.schema["monto"] == pl.Decimal(18, 6)


def test_a_metadata_package_reads_to_its_records_with_third_parties_joined() -> None:
    result = parse_metadata_package(SAT_FIXTURES / "packages" / "metadata-terceros.zip")

    assert result.record_count == 5
    assert result.rejects.is_empty()
    assert result.frame["rfc_a_cuenta_terceros"].to_list() == [
        None,
        ["AAAA010101AA1"],
        ["AAAA010101AA2"],
        ["AAAA010101AA3"],
        None,
    ]
    assert set(result.frame["source"]) == {"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF_01.txt"}


def test_a_uuid_in_two_files_of_one_package_loads_once(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("R_01.txt", f"{HEADER}\r\n{record(UUID_1)}\r\n{record(UUID_2)}")
        archive.writestr("R_02.txt", f"{HEADER}\r\n{record(UUID_3)}\r\n{record(UUID_2)}")

    result = parse_metadata_package(path)

    assert result.record_count == 4
    assert result.frame.select("source", "uuid").rows() == [
        ("R_01.txt", UUID_1.lower()),
        ("R_01.txt", UUID_2.lower()),
        ("R_02.txt", UUID_3.lower()),
    ]
    assert result.rejects.select("source", "numero_linea", "motivo").rows() == [
        ("R_02.txt", 3, "Uuid repeated: first listed in R_01.txt line 3")
    ]


def test_retenciones_metadata_fills_its_own_columns_by_header_name() -> None:
    header = (
        "Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat"
        "~Monto~MontoTotRet~CveRetenc~Estatus~FechaCancelacion"
    )
    line = (
        f"{UUID_1}~EKU9003173C9~ESCUELA~XEXX010101000~WORLD WIDE~CVD110412TF6~2025-01-03 01:53:50"
        "~2025-01-03 01:56:50~243623.81~28520.24~05~0~2025-02-01 00:00:00"
    )
    result = parse(f"{header}\r\n{line}\r\n")

    (row,) = result.frame.to_dicts()
    assert (row["monto"], row["monto_tot_ret"], row["cve_retenc"]) == (
        Decimal("243623.81"),
        Decimal("28520.24"),
        "05",
    )
    assert (row["efecto_comprobante"], row["estatus"], row["columnas_extra"]) == (None, "cancelado", None)


def test_a_refused_record_that_a_line_break_split_is_reported_whole_at_its_first_line() -> None:
    broken = record(UUID_2, nombre="RAZON\nSOCIAL", monto="12,50")
    result = parse(f"{HEADER}\r\n{record(UUID_1)}\r\n{broken}\r\n{record(UUID_3)}\r\n")

    assert result.record_count == 3
    assert result.frame["numero_linea"].to_list() == [2, 5]
    assert result.rejects.select("numero_linea", "texto").rows() == [(3, broken)]
    assert result.rejects["motivo"][0].startswith("Monto 12,50 is not an amount")


def test_a_third_party_name_with_a_line_break_joins_whole() -> None:
    tercero = "Uuid~RfcACuentaTerceros~NombreACuentaTerceros\r\n"
    tercero += f"{UUID_1}~AAAA010101AA1~PERSONA\nFISICA UNO\r\n{UUID_2}~BBBB010101BB2~DOS"
    result = parse(f"{HEADER}\r\n{record(UUID_1)}\r\n{record(UUID_2)}\r\n", tercero=tercero)

    assert result.rejects.is_empty()
    assert result.frame["nombre_a_cuenta_terceros"].to_list() == [["PERSONAFISICA UNO"], ["DOS"]]


def test_two_broken_records_in_a_row_load_whole_and_later_lines_keep_their_numbers() -> None:
    first = record(UUID_1, nombre="RAZON\nSOCIAL")
    second = record(UUID_2, nombre="OTRA\nRAZON\nSOCIAL")
    result = parse(f"{HEADER}\r\n{first}\r\n{second}\r\n{record(UUID_3, monto='x')}\r\n")

    assert result.record_count == 3
    assert result.frame.select("uuid", "nombre_emisor", "numero_linea").rows() == [
        (UUID_1.lower(), "RAZONSOCIAL", 2),
        (UUID_2.lower(), "OTRARAZONSOCIAL", 4),
    ]
    assert result.rejects.select("numero_linea", "texto").rows() == [(7, record(UUID_3, monto="x"))]


def test_a_broken_record_on_the_last_line_without_crlf_loads_whole() -> None:
    broken = record(UUID_2, nombre="RAZON\nSOCIAL")
    result = parse(f"{HEADER}\r\n{record(UUID_1)}\r\n{broken}")

    assert result.record_count == 2
    assert result.rejects.is_empty()
    assert result.frame.select("nombre_emisor", "numero_linea").rows() == [
        ("EMPRESA SA", 2),
        ("RAZONSOCIAL", 3),
    ]


def test_a_name_broken_before_the_uuid_column_is_read_whole() -> None:
    header = "NombreEmisor~Estatus~Uuid~Monto"
    lines = [f"UNO~1~{UUID_1}~1.00", f"DOS\nPARTES~1~{UUID_2}~2.00", f"TRES~0~{UUID_3}~3.00", "X~1~nope~1"]
    result = parse(header + "\r\n" + "\r\n".join(lines))

    assert result.record_count == 4
    assert result.frame.select("nombre_emisor", "uuid", "numero_linea").rows() == [
        ("UNO", UUID_1.lower(), 2),
        ("DOSPARTES", UUID_2.lower(), 3),
        ("TRES", UUID_3.lower(), 5),
    ]
    assert result.rejects.select("numero_linea", "motivo").rows() == [(6, "Uuid nope is not a UUID")]


def test_a_broken_record_deep_in_a_file_of_short_then_long_lines_is_found() -> None:
    # Lines of average length would put it further on than it is.
    names = ["A", "EMPRESA MUY LARGA DE NOMBRE " * 8]
    lines = [record(f"{i:08x}-0000-4000-8000-000000000000", nombre=names[i >= 1500]) for i in range(3000)]
    lines[2400] = record("00000960-0000-4000-8000-000000000000", nombre="PARTIDA\nEN DOS")
    result = parse(HEADER + "\r\n" + "\r\n".join(lines) + "\r\n")

    assert result.record_count == 3000
    assert result.rejects.is_empty()
    rows = result.frame.filter(pl.col("numero_linea").is_between(2401, 2404))
    assert rows.select("nombre_emisor", "numero_linea").rows() == [
        (names[1], 2401),
        ("PARTIDAEN DOS", 2402),
        (names[1], 2404),
    ]


def test_a_broken_record_next_to_a_repeated_uuid_still_loads_whole() -> None:
    broken = record(UUID_3, nombre="RAZON\nSOCIAL")
    lines = [record(UUID_1), record(UUID_2), record(UUID_2), broken, record(UUID_1)]
    result = parse(HEADER + "\r\n" + "\r\n".join(lines))

    assert result.record_count == 5
    assert result.frame.select("uuid", "nombre_emisor", "numero_linea").rows() == [
        (UUID_1.lower(), "EMPRESA SA", 2),
        (UUID_2.lower(), "EMPRESA SA", 3),
        (UUID_3.lower(), "RAZONSOCIAL", 5),
    ]
    assert result.rejects.select("numero_linea", "motivo").rows() == [
        (4, "Uuid repeated: first listed in m_01.txt line 3"),
        (7, "Uuid repeated: first listed in m_01.txt line 2"),
    ]


def test_a_uuid_written_inside_an_earlier_name_does_not_mislead_the_search() -> None:
    broken = record(UUID_3, nombre="RAZON\nSOCIAL")
    text = f"{HEADER}\r\n{record(UUID_1, nombre=f'VER {UUID_2}')}\r\n{record(UUID_2)}\r\n{broken}\r\n"
    result = parse(text)

    assert result.rejects.is_empty()
    assert result.frame.select("nombre_emisor", "numero_linea").rows() == [
        (f"VER {UUID_2}", 2),
        ("EMPRESA SA", 3),
        ("RAZONSOCIAL", 4),
    ]


def test_a_record_cut_short_by_a_bare_lf_before_a_blank_line_is_refused_whole() -> None:
    text = f"{HEADER}\r\n{record(UUID_1)}\r\n{UUID_2}~AAA010101AAA~RAZON\n\r\n{record(UUID_3)}\r\n"
    result = parse(text)

    assert result.record_count == 3
    assert result.frame["numero_linea"].to_list() == [2, 5]
    ((line, motivo, texto),) = result.rejects.select("numero_linea", "motivo", "texto").rows()
    assert (line, motivo, texto) == (3, "Estatus is empty", f"{UUID_2}~AAA010101AAA~RAZON\n")


def test_a_bare_lf_between_two_records_that_load_on_their_own_leaves_both_loaded() -> None:
    text = f"{HEADER}\r\n{record(UUID_1)}\n{record(UUID_2)}\r\n{record(UUID_3, monto='x')}\r\n"
    result = parse(text)

    assert result.frame.select("uuid", "numero_linea").rows() == [(UUID_1.lower(), 2), (UUID_2.lower(), 3)]
    assert result.rejects.select("numero_linea").rows() == [(4,)]


@pytest.mark.parametrize("first", [True, False])
def test_a_record_with_two_fields_too_many_is_refused_even_first_or_split_and_the_rest_loads(
    first: bool,
) -> None:
    # Polars refuses a whole file whose first row read has more than one field beyond the schema; a
    # split record is read again as the first row of a file of its own.
    wide = record(UUID_2, nombre="RAZON SOCIAL" if first else "RAZON\nSOCIAL") + "~extra~más"
    lines = [wide, record(UUID_1), record(UUID_3)] if first else [record(UUID_1), wide, record(UUID_3)]
    result = parse(HEADER + "\r\n" + "\r\n".join(lines))

    assert result.record_count == 3
    assert result.frame["uuid"].to_list() == [UUID_1.lower(), UUID_3.lower()]
    ((line, motivo, texto),) = result.rejects.select("numero_linea", "motivo", "texto").rows()
    assert (line, texto) == (2 if first else 3, wide)
    assert motivo.startswith("more fields than the 12 of the header")


def test_a_file_where_many_records_are_split_or_refused_reads_each_whole() -> None:
    # One line in four is suspect: the whole text is searched in one pass instead of line by line.
    lines = [
        record(f"{i:08x}-0000-4000-8000-000000000000", nombre="DOS\nPARTES" if i % 4 == 0 else "UNA")
        for i in range(40)
    ]
    result = parse(HEADER + "\r\n" + "\r\n".join(lines))

    assert result.record_count == 40
    assert result.rejects.is_empty()
    assert result.frame["nombre_emisor"].to_list() == [
        "DOSPARTES" if i % 4 == 0 else "UNA" for i in range(40)
    ]
    assert result.frame["numero_linea"].to_list()[:5] == [2, 4, 5, 6, 7]


def test_records_refused_deep_in_a_long_file_are_reported_as_written() -> None:
    lines = [record(f"{i:08x}-0000-4000-8000-000000000000") for i in range(4000)]
    for i in (0, 999, 2500, 3999):
        lines[i] = record(f"{i:08x}-0000-4000-8000-000000000000", monto=f"{i},00")
    data = (HEADER + "\r\n" + "\r\n".join(lines[:3000])).encode()
    data += b"\r\n" + lines[3000].replace("EMPRESA", "EMPRE\xd1A").encode("latin-1")
    data += ("\r\n" + "\r\n".join(lines[3001:])).encode()
    result = parse_metadata(data, "long.txt")

    assert len(data) > 4 * 65_536
    assert result.record_count == 4000
    assert result.frame.height == 3995
    assert result.rejects.select("numero_linea", "texto").rows() == [
        (2, lines[0]),
        (1001, lines[999]),
        (2502, lines[2500]),
        (3002, lines[3000].replace("EMPRESA", "EMPRE\ufffdA")),
        (4001, lines[3999]),
    ]


def test_a_long_file_where_every_record_is_refused_reports_each_as_written() -> None:
    lines = [record(f"{i:08x}-0000-4000-8000-000000000000", monto=f"{i},00") for i in range(3000)]
    result = parse(HEADER + "\r\n" + "\r\n".join(lines))

    assert result.frame.is_empty()
    assert result.rejects.height == 3000
    assert result.rejects["texto"].to_list() == lines
    assert result.rejects["numero_linea"].to_list() == list(range(2, 3002))
