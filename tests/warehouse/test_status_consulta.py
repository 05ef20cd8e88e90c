"""The status service's answers in the warehouse: the history, estatus_actual, cancelaciones and
cancelaciones_en_proceso on a small book worked out by hand, and which documents are asked about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from schemas import Table
from schemas.cfdi import COMPROBANTES
from schemas.metadata import METADATA
from warehouse import STATUS_ANSWER_COLUMNS, Warehouse

A, SUPPLIER = "EKU9003173C9", "AAA010101AAA"
JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)
# The answers come after the metadata loads, which are stamped with the machine's time.
FIRST, SECOND = datetime(2099, 2, 10, 9, 0), datetime(2099, 2, 14, 9, 0)
RECEIVED_VIGENTE_NOW_CANCELLED = (
    "SELECT uuid::VARCHAR AS uuid, rfc, visto_desde FROM estatus_historial WHERE fuente = 'consulta' "
    "AND direction = 'recibidos' AND estatus_anterior = 'vigente' AND estatus = 'cancelado'"
)


def _uuid(n: int) -> str:
    return f"11111111-2222-4333-8444-{n:012d}"


def _frame(table: Table, rows: list[Mapping[str, object]]) -> pl.DataFrame:
    return pl.DataFrame([{name: row.get(name) for name in table.names} for row in rows], schema=table.schema)


def _metadata(
    n: int, monto: str, cancelled: datetime | None = None, efecto: str | None = "I"
) -> dict[str, object]:
    return {
        "uuid": _uuid(n),
        "rfc_emisor": SUPPLIER,
        "nombre_emisor": "Proveedor",
        "rfc_receptor": A,
        "fecha_emision": datetime(2024, 1, 10, 12, 0),
        "monto": Decimal(monto),
        "efecto_comprobante": efecto,
        "estatus": "cancelado" if cancelled else "vigente",
        "fecha_cancelacion": cancelled,
        "source": "meta.txt",
        "numero_linea": n + 1,
    }


def _load_metadata(wh: Warehouse, rows: list[Mapping[str, object]], month: date = JAN) -> None:
    with wh.load(A, month, "recibidos", "metadata") as load:
        load.append({"metadata": _frame(METADATA, rows)}, f"meta-{len(rows)}.zip", "b" * 64)


def _answers(at: datetime, rows: list[tuple[int, str, str | None, str | None]]) -> pl.DataFrame:
    """(document, estatus, es_cancelable, estatus_cancelacion) answered at `at` for A's received side."""
    frame = pl.DataFrame(
        [
            {
                "uuid": _uuid(n),
                "estatus": estatus,
                "visto_desde": at,
                "load_id": f"consulta-{at:%d}",
                "rfc": A,
                "direction": "recibidos",
                "es_cancelable": cancelable,
                "estatus_cancelacion": state,
                "validacion_efos": "200",
                "codigo_estatus": "S - Comprobante obtenido satisfactoriamente.",
            }
            for n, estatus, cancelable, state in rows
        ]
    )
    return frame.select(STATUS_ANSWER_COLUMNS)


@pytest.fixture
def book(tmp_path: Path) -> Warehouse:
    """A receives 1 (1,160.00), 2 (500.00), 3 (cancelled on 1 Feb), 4 (300.456) and a Retenciones
    record 6, all in January's metadata; 5 (2,320.00) only as XML (loaded from a file, no metadata)."""
    wh = Warehouse.open(tmp_path / "wh.duckdb")
    _load_metadata(
        wh,
        [_metadata(1, "1160"), _metadata(2, "500"), _metadata(3, "700", datetime(2024, 2, 1)),
         _metadata(4, "300.456"), _metadata(6, "999", efecto=None)],
    )  # fmt: skip
    xml = {
        "uuid": _uuid(5), "version": "4.0", "tipo_de_comprobante": "I", "fecha": datetime(2024, 1, 20),
        "total": Decimal("2320"), "total_mxn": Decimal("2320"), "rfc_emisor": SUPPLIER, "rfc_receptor": A,
        "nombre_emisor": "Proveedor", "source": "5.xml", "sha256": "5" * 64, "timbrado": True,
    }  # fmt: skip
    xml = {k: v for k, v in xml.items() if k in COMPROBANTES.names}
    with wh.load(A, JAN, "recibidos", "cfdi", merge=True) as load:
        load.append({"comprobantes": _frame(COMPROBANTES, [xml])}, "5.xml", "5" * 64)
    return wh


def _first_answers(book: Warehouse) -> pl.DataFrame:
    return book.record_status_answers(
        _answers(
            FIRST,
            [
                (1, "vigente", "Cancelable con aceptación", "En proceso"),
                (2, "cancelado", "Cancelable sin aceptación", "Cancelado sin aceptación"),
                (4, "no_encontrado", None, None),
                (5, "vigente", "Cancelable con aceptación", "Solicitud rechazada"),
            ],
        )
    )


def test_only_cfdi_not_known_cancelled_of_the_months_asked_are_candidates(book: Warehouse) -> None:
    rows = book.status_candidates(rfcs=[A], since=JAN).sort("uuid")
    assert rows.select("uuid", "direction", "total", "version", "cancelado").rows() == [
        (_uuid(1), "recibidos", Decimal("1160"), None, False),
        (_uuid(2), "recibidos", Decimal("500"), None, False),
        (_uuid(3), "recibidos", Decimal("700"), None, True),
        (_uuid(4), "recibidos", Decimal("300.456"), None, False),
        (_uuid(5), "recibidos", Decimal("2320"), "4.0", False),
    ]
    assert book.status_candidates(rfcs=[A], since=FEB).is_empty()
    assert book.status_candidates(rfcs=["XAXX010101000"]).is_empty()
    assert book.status_candidates(uuids=[_uuid(4).upper()])["uuid"].to_list() == [_uuid(4)]
    _first_answers(book)
    known = book.status_candidates(months=[JAN]).filter(pl.col("cancelado"))["uuid"].sort().to_list()
    assert known == [_uuid(2), _uuid(3)]


def test_each_answer_is_kept_with_the_status_it_replaced(book: Warehouse) -> None:
    recorded = _first_answers(book).sort("uuid")
    assert recorded.select("uuid", "estatus_anterior", "estatus", "estatus_cancelacion_anterior",
                           "estatus_cancelacion").rows() == [
        (_uuid(1), "vigente", "vigente", None, "En proceso"),
        (_uuid(2), "vigente", "cancelado", None, "Cancelado sin aceptación"),
        (_uuid(4), "vigente", "no_encontrado", None, None),
        (_uuid(5), None, "vigente", None, "Solicitud rechazada"),
    ]  # fmt: skip
    history = book.query(
        "SELECT uuid::VARCHAR, fuente, estatus, visto_desde FROM estatus_historial "
        "WHERE uuid = ?::UUID ORDER BY visto_desde",
        [_uuid(2)],
    ).rows()
    assert [row[1:3] for row in history] == [("metadata", "vigente"), ("consulta", "cancelado")]
    assert history[1][3] == FIRST
    assert book.query(RECEIVED_VIGENTE_NOW_CANCELLED).rows() == [(_uuid(2), A, FIRST)]


def test_estatus_actual_takes_the_newest_word_from_either_source(book: Warehouse) -> None:
    _first_answers(book)
    book.record_status_answers(_answers(SECOND, [(1, "cancelado", "Cancelable con aceptación",
                                                  "Cancelado con aceptación")]))  # fmt: skip
    rows = book.query(
        "SELECT uuid::VARCHAR, estatus, estado_consulta, estatus_cancelacion, consultado_en, "
        "cancelacion_vista_desde FROM estatus_actual ORDER BY uuid"
    ).rows()
    assert rows[:5] == [
        (_uuid(1), "cancelado", "cancelado", "Cancelado con aceptación", SECOND, SECOND),
        (_uuid(2), "cancelado", "cancelado", "Cancelado sin aceptación", FIRST, FIRST),
        (_uuid(3), "cancelado", None, None, None, rows[2][5]),
        # SAT's No Encontrado does not undo what metadata says; it shows in estado_consulta.
        (_uuid(4), "vigente", "no_encontrado", None, FIRST, None),
        (_uuid(5), "vigente", "vigente", "Solicitud rechazada", FIRST, None),
    ]
    transition = book.query(
        "SELECT estatus_anterior, estatus_cancelacion_anterior, estatus, estatus_cancelacion "
        "FROM estatus_historial WHERE uuid = ?::UUID AND visto_desde = ?",
        [_uuid(1), SECOND],
    ).row(0)
    assert transition == ("vigente", "En proceso", "cancelado", "Cancelado con aceptación")
    assert sorted(book.query(RECEIVED_VIGENTE_NOW_CANCELLED)["uuid"].to_list()) == [_uuid(1), _uuid(2)]


def test_cancelaciones_shows_cancellations_in_process_rejected_and_done(book: Warehouse) -> None:
    _first_answers(book)
    rows = book.query(
        "SELECT uuid::VARCHAR, estatus, estatus_cancelacion, monto FROM cancelaciones ORDER BY uuid"
    ).rows()
    assert rows == [
        (_uuid(1), "vigente", "En proceso", Decimal("1160")),
        (_uuid(2), "cancelado", "Cancelado sin aceptación", Decimal("500")),
        (_uuid(3), "cancelado", None, Decimal("700")),
        (_uuid(5), "vigente", "Solicitud rechazada", Decimal("2320")),
    ]


def test_cancelaciones_en_proceso_lists_what_waits_for_the_receiver_in_cents(book: Warehouse) -> None:
    _first_answers(book)
    book.record_status_answers(_answers(SECOND, [(4, "vigente", "Cancelable con aceptación", "En proceso")]))
    rows = book.query(
        "SELECT uuid::VARCHAR, rfc, direction, monto, en_proceso_visto_desde FROM cancelaciones_en_proceso "
        "ORDER BY uuid"
    ).rows()
    # 300.456 rounds to 300.46; 1,160.00 + 300.46 = 1,460.46.
    assert rows == [
        (_uuid(1), A, "recibidos", Decimal("1160.00"), FIRST),
        (_uuid(4), A, "recibidos", Decimal("300.46"), SECOND),
    ]
    view = next(v for v in book.catalog.views if v.name == "cancelaciones_en_proceso")
    assert book.query(view.example).rows() == [(A, "recibidos", 2, Decimal("1460.46"))]
    # Once accepted, it is no longer in process.
    book.record_status_answers(_answers(SECOND.replace(day=15), [(1, "cancelado", "Cancelable con aceptación",
                                                                  "Cancelado con aceptación")]))  # fmt: skip
    assert book.query("SELECT uuid::VARCHAR FROM cancelaciones_en_proceso").rows() == [(_uuid(4),)]


def test_metadata_keeps_its_own_history_beside_the_answers(book: Warehouse) -> None:
    _first_answers(book)
    # A later metadata load sees 2 cancelled too: recorded as metadata's own word, with SAT's date.
    _load_metadata(book, [_metadata(1, "1160"), _metadata(2, "500", datetime(2024, 2, 9)),
                          _metadata(3, "700", datetime(2024, 2, 1)), _metadata(4, "300.456")])  # fmt: skip
    rows = book.query(
        "SELECT fuente, estatus, fecha_cancelacion FROM estatus_historial WHERE uuid = ?::UUID ORDER BY ALL",
        [_uuid(2)],
    ).rows()
    assert rows == [
        ("consulta", "cancelado", None),
        ("metadata", "cancelado", datetime(2024, 2, 9)),
        ("metadata", "vigente", None),
    ]
    assert book.query(
        "SELECT fecha_cancelacion FROM estatus_actual WHERE uuid = ?::UUID", [_uuid(2)]
    ).item() == datetime(2024, 2, 9)


def test_estatus_en_desacuerdo_names_what_metadata_and_the_service_say_differently(book: Warehouse) -> None:
    _first_answers(book)
    rows = book.query(
        "SELECT uuid::VARCHAR, estatus_metadata, estatus_consulta FROM estatus_en_desacuerdo ORDER BY uuid"
    ).rows()
    # 2: cancelled since the metadata was loaded; 4: SAT cannot find it; 5 has no metadata to disagree.
    assert rows == [(_uuid(2), "vigente", "cancelado"), (_uuid(4), "vigente", "no_encontrado")]
    _load_metadata(book, [_metadata(2, "500", datetime(2024, 2, 9)), _metadata(4, "300.456")])
    assert book.query("SELECT uuid::VARCHAR FROM estatus_en_desacuerdo").rows() == [(_uuid(4),)]


def test_cambios_de_estatus_lists_each_reported_change_for_every_rfc_holding_the_document(
    book: Warehouse,
) -> None:
    _first_answers(book)
    # The same answers again change nothing.
    book.record_status_answers(_answers(SECOND, [(1, "vigente", "Cancelable con aceptación", "En proceso")]))
    rows = book.query(
        "SELECT uuid::VARCHAR, rfc, direction, monto, estatus_anterior, estatus, estatus_cancelacion "
        "FROM cambios_de_estatus ORDER BY uuid"
    ).rows()
    # 5 was first seen by the service (no metadata): not a change.
    assert rows == [
        (_uuid(1), A, "recibidos", Decimal("1160.00"), "vigente", "vigente", "En proceso"),
        (_uuid(2), A, "recibidos", Decimal("500.00"), "vigente", "cancelado", "Cancelado sin aceptación"),
        (_uuid(4), A, "recibidos", Decimal("300.46"), "vigente", "no_encontrado", None),
    ]
    view = next(v for v in book.catalog.views if v.name == "cambios_de_estatus")
    assert [row[1] for row in book.query(view.example).rows()] == [_uuid(2)]
