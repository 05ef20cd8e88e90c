"""SAT's lists in the warehouse: loading versions (idempotent, newest current, history) and the risk views
against a small book whose every figure is worked out by hand below."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from etl.lists import read_list
from schemas import Table
from schemas.cfdi import COMPROBANTES, IMPUESTOS
from schemas.metadata import METADATA
from tests.etl.lists.sat_files import file_69, file_69b, row_69b
from warehouse import Warehouse

A = "EKU9003173C9"
SUPPLIER, CUSTOMER, OTHER = "SUP010101AB1", "CUS010101AB1", "OTR010101AB1"
D = Decimal


def _frame(table: Table, rows: list[Mapping[str, object]]) -> pl.DataFrame:
    return pl.DataFrame([{n: row.get(n) for n in table.names} for row in rows], schema=table.schema)


def _uuid(n: int) -> str:
    return f"11111111-2222-4333-8444-{n:012d}"


def _document(
    n: int, tipo: str, when: date, parties: tuple[str, str], amounts: tuple[str, str], *, rate: str = "1"
) -> tuple[dict[str, object], dict[str, object]]:
    """Document n's header and its one IVA line; `amounts` is (Total, IVA) in the document's currency."""
    emisor, receptor = parties
    total, iva = amounts
    fx = D(rate)
    header = {
        "uuid": _uuid(n), "version": "4.0", "tipo_de_comprobante": tipo, "metodo_pago": "PUE",
        "fecha": datetime(when.year, when.month, when.day, 12), "moneda": "MXN" if fx == 1 else "USD",
        "tipo_cambio": None if fx == 1 else fx, "sub_total": D(total) - D(iva), "total": D(total),
        "sub_total_mxn": (D(total) - D(iva)) * fx, "total_mxn": D(total) * fx, "rfc_emisor": emisor,
        "rfc_receptor": receptor, "source": f"{n}.xml", "sha256": f"{n:064d}",
    }  # fmt: skip
    tax = {
        "uuid": _uuid(n), "numero": 1, "nivel": "comprobante", "tipo": "traslado", "impuesto": "002",
        "tipo_factor": "Tasa", "tasa_o_cuota": D("0.16"), "importe": D(iva),
    }  # fmt: skip
    return header, tax


# Received from SUPPLIER (on 69-B: presunción published 2024-02-01 on SAT's page, 2024-02-05 in the DOF;
# definitivo 2024-04-01): 1 before the presunción, 2 between, 3 (USD at 20) and 4 (credit note) after the
# definitive publication, 5 cancelled. Issued to CUSTOMER (Art. 69 Firmes twice, first published
# 2024-03-01): 6 before, 7 after. Per document to the cent: 232.004 -> 232.00, 50.005 -> 50.01.
DOCUMENTS = {
    "recibidos": [
        _document(1, "I", date(2024, 1, 10), (SUPPLIER, A), ("116.00", "16.00")),
        _document(2, "I", date(2024, 3, 10), (SUPPLIER, A), ("232.004", "32.004")),
        _document(3, "I", date(2024, 4, 15), (SUPPLIER, A), ("11.60", "1.60"), rate="20"),
        _document(4, "E", date(2024, 4, 20), (SUPPLIER, A), ("58.00", "8.00")),
        _document(5, "I", date(2024, 5, 1), (SUPPLIER, A), ("1000.00", "137.93")),
        _document(8, "I", date(2024, 5, 1), (OTHER, A), ("500.00", "68.97")),
    ],
    "emitidos": [
        _document(6, "I", date(2024, 2, 10), (A, CUSTOMER), ("100.00", "13.79")),
        _document(7, "I", date(2024, 3, 5), (A, CUSTOMER), ("50.005", "6.90")),
    ],
}

NOTICE = "500-05-2024-1 de fecha 20 de enero de 2024"
PRESUNCION = (NOTICE, "01/02/2024", NOTICE, "05/02/2024")
DEFINITIVO = ("500-05-2024-9 de fecha 25 de marzo de 2024", "01/04/2024", "", "")


# A full list holds several situations (one of a single situation is read as that situation's file):
# a suppressed Desvirtuado row stands in for the rest of SAT's list.
SUPPRESSED = row_69b(99, "XXXXXXXXXXXX", "Información suprimida", "Desvirtuado")


def _list_69b(tmp_path: Path, name: str, listed: str, rows: list[list[str]], *, full: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes(
        file_69b([*rows, SUPPRESSED] if full else rows, date_line=f"Información actualizada al {listed}")
    )
    return path


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Warehouse]:
    wh = Warehouse.open(tmp_path / "w.duckdb")
    for direction, documents in DOCUMENTS.items():
        for header, tax in documents:
            fecha = header["fecha"]
            assert isinstance(fecha, datetime)
            frames = {"comprobantes": _frame(COMPROBANTES, [header]), "impuestos": _frame(IMPUESTOS, [tax])}
            with wh.load(A, date(fecha.year, fecha.month, 1), direction, "cfdi", merge=True) as load:
                load.append(frames, f"{header['uuid']}.zip", "a" * 64)
    cancelled = {
        "uuid": _uuid(5), "rfc_emisor": SUPPLIER, "rfc_receptor": A, "fecha_emision": datetime(2024, 5, 1),
        "monto": D("1000"), "efecto_comprobante": "I", "estatus": "cancelado",
        "fecha_cancelacion": datetime(2024, 5, 2), "source": "m.txt", "numero_linea": 2,
    }  # fmt: skip
    with wh.load(A, date(2024, 5, 1), "recibidos", "metadata") as load:
        load.append({"metadata": _frame(METADATA, [cancelled])}, "m.zip", "b" * 64)
    yield wh
    wh.close()


def test_the_risk_views_are_empty_not_failing_when_no_list_was_loaded(book: Warehouse) -> None:
    for view in ("riesgo_69b", "riesgo_69", "contrapartes_recien_listadas"):
        assert book.query(f"SELECT * FROM {view}").is_empty()  # noqa: S608


def test_riesgo_69b_counts_and_sums_the_suppliers_documents_before_and_after_each_publication(
    book: Warehouse, tmp_path: Path
) -> None:
    rows = [
        row_69b(1, SUPPLIER, "PROVEEDOR SA", "Definitivo", presuncion=PRESUNCION, definitivo=DEFINITIVO),
        row_69b(2, "XXXXXXXXXXXX", "Información suprimida", "Definitivo"),
    ]
    book.load_list(read_list(_list_69b(tmp_path, "l.csv", "1 de junio de 2024", rows)))
    found = book.query("SELECT * FROM riesgo_69b").rows(named=True)
    assert len(found) == 1
    row = found[0]
    assert (row["rfc"], row["direction"], row["contraparte"], row["situacion"]) == (
        A, "recibidos", SUPPLIER, "Definitivo",
    )  # fmt: skip
    assert (row["fecha_presuncion"], row["fecha_definitivo"], row["fecha_lista"]) == (
        date(2024, 2, 1), date(2024, 4, 1), date(2024, 6, 1),
    )  # fmt: skip
    # 116.00 + 232.00 + 20 x 11.60 - 58.00; IVA 16.00 + 32.00 + 20 x 1.60 - 8.00 (5 is cancelled).
    assert (row["documentos"], row["total_mxn"], row["iva_trasladado_mxn"]) == (4, D("522.00"), D("72.00"))
    assert (row["documentos_antes_presuncion"], row["total_antes_presuncion_mxn"]) == (1, D("116.00"))
    assert row["iva_antes_presuncion_mxn"] == D("16.00")
    assert (row["documentos_despues_presuncion"], row["iva_despues_presuncion_mxn"]) == (3, D("56.00"))
    assert row["total_despues_presuncion_mxn"] == D("406.00")
    assert (row["documentos_despues_definitivo"], row["total_despues_definitivo_mxn"]) == (2, D("174.00"))
    assert row["iva_despues_definitivo_mxn"] == D("24.00")


def test_riesgo_69_counts_a_customer_once_per_list_whatever_its_rows(book: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "firmes.csv"
    path.write_bytes(
        file_69([
            [CUSTOMER, "CLIENTE SA", "M", "FIRMES", "01/03/2024", "JALISCO"],
            [CUSTOMER, "CLIENTE SA", "M", "FIRMES", "15/03/2024", "JALISCO"],
        ])
    )  # fmt: skip
    report = book.load_list(read_list(path))
    assert (report.registros, report.contribuyentes) == (2, 1)
    row = book.query("SELECT * FROM riesgo_69").row(0, named=True)
    assert (row["direction"], row["lista"], row["registros"], row["fecha_primera_publicacion"]) == (
        "emitidos", "Firmes", 2, date(2024, 3, 1),
    )  # fmt: skip
    assert (row["documentos"], row["total_mxn"]) == (2, D("150.01"))
    assert (row["documentos_antes_publicacion"], row["total_antes_publicacion_mxn"]) == (1, D("100.00"))
    assert (row["documentos_despues_publicacion"], row["total_despues_publicacion_mxn"]) == (1, D("50.01"))
    assert row["iva_trasladado_mxn"] == D("20.69")


def test_loading_the_same_list_file_twice_changes_nothing(book: Warehouse, tmp_path: Path) -> None:
    rows = [row_69b(1, SUPPLIER, "P", "Definitivo", presuncion=PRESUNCION)]
    path = _list_69b(tmp_path, "l.csv", "1 de junio de 2024", rows)
    book.load_list(read_list(path))
    before = book.checksums()
    again = book.load_list(read_list(path))
    assert again.ya_cargado
    assert book.checksums() == before


def test_versions_make_history_and_a_newly_listed_counterparty_shows_once(
    book: Warehouse, tmp_path: Path
) -> None:
    def version(name: str, listed: str, rows: list[list[str]]) -> None:
        book.load_list(read_list(_list_69b(tmp_path, name, listed, rows)))

    supplier = row_69b(1, SUPPLIER, "P", "Definitivo", presuncion=PRESUNCION)
    version("v1.csv", "1 de junio de 2024", [supplier])
    version("v2.csv", "1 de julio de 2024", [supplier, row_69b(2, CUSTOMER, "C", "Presunto")])
    customer = row_69b(2, CUSTOMER, "C", "Presunto")
    version("v3.csv", "1 de agosto de 2024", [row_69b(1, SUPPLIER, "P", "Sentencia Favorable"), customer])
    history = book.query(
        "SELECT rfc, situacion, evento, fecha_lista, fecha_lista_anterior FROM listas_historial ORDER BY ALL"
    ).rows()
    assert history == [
        (CUSTOMER, "Presunto", "alta", date(2024, 7, 1), date(2024, 6, 1)),
        (SUPPLIER, "Definitivo", "alta", date(2024, 6, 1), None),
        (SUPPLIER, "Definitivo", "baja", date(2024, 8, 1), date(2024, 7, 1)),
        (SUPPLIER, "Sentencia Favorable", "alta", date(2024, 8, 1), date(2024, 7, 1)),
    ]
    newly = book.query(
        "SELECT rfc, direction, contraparte, situacion, fecha_lista FROM contrapartes_recien_listadas "
        "WHERE fecha_lista > DATE '2024-06-01' ORDER BY ALL"
    ).rows()
    assert newly == [
        (A, "emitidos", CUSTOMER, "Presunto", date(2024, 7, 1)),
        (A, "recibidos", SUPPLIER, "Sentencia Favorable", date(2024, 8, 1)),
    ]
    assert book.query("SELECT situacion FROM riesgo_69b WHERE contraparte = ?", [SUPPLIER]).item() == (
        "Sentencia Favorable"
    )


def test_an_older_version_loaded_late_is_recorded_but_changes_neither_list_nor_history(
    book: Warehouse, tmp_path: Path
) -> None:
    newer = [row_69b(1, SUPPLIER, "P", "Definitivo")]
    book.load_list(read_list(_list_69b(tmp_path, "new.csv", "1 de julio de 2024", newer)))
    before = book.checksums()
    older = [row_69b(1, OTHER, "O", "Presunto")]
    old = book.load_list(read_list(_list_69b(tmp_path, "old.csv", "1 de enero de 2024", older)))
    assert old.aplicada == ()
    assert not old.ya_cargado
    after = book.checksums()
    for table in ("lista_69b", "listas_historial"):
        assert after[table] == before[table]
    assert book.query("SELECT count(*) FROM listas_versiones").item() == 2


def test_a_newer_per_situation_file_replaces_only_its_situation(book: Warehouse, tmp_path: Path) -> None:
    full = [row_69b(1, SUPPLIER, "P", "Definitivo"), row_69b(2, CUSTOMER, "C", "Presunto")]
    book.load_list(read_list(_list_69b(tmp_path, "full.csv", "1 de junio de 2024", full)))
    path = tmp_path / "presuntos.csv"
    path.write_bytes(
        file_69b(
            [row_69b(1, OTHER, "O", "Presunto")],
            date_line="Información actualizada al 1 de julio de 2024",
            title="Listado de contribuyentes presuntos",
        )
    )
    report = book.load_list(read_list(path))
    assert report.aplicada == ("Presunto",)
    assert (report.altas, report.bajas) == (1, 1)
    rows = book.query("SELECT rfc, situacion, archivo FROM lista_69b WHERE NOT suprimido ORDER BY rfc").rows()
    assert rows == [(OTHER, "Presunto", "Presunto"), (SUPPLIER, "Definitivo", "completo")]


def test_a_full_list_title_over_rows_of_one_situation_replaces_only_that_situation(
    book: Warehouse, tmp_path: Path
) -> None:
    full = [row_69b(1, SUPPLIER, "P", "Definitivo"), row_69b(2, CUSTOMER, "C", "Presunto")]
    book.load_list(read_list(_list_69b(tmp_path, "full.csv", "1 de junio de 2024", full)))
    only = [row_69b(1, OTHER, "O", "Definitivo")]
    path = _list_69b(tmp_path, "definitivos.csv", "1 de julio de 2024", only, full=False)
    report = book.load_list(read_list(path))
    assert (report.archivo, report.aplicada) == ("Definitivo", ("Definitivo",))
    rows = book.query("SELECT rfc, situacion, archivo FROM lista_69b WHERE NOT suprimido ORDER BY rfc").rows()
    assert rows == [(CUSTOMER, "Presunto", "completo"), (OTHER, "Definitivo", "Definitivo")]
