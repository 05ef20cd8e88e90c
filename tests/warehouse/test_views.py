"""The analyst views on a small, hand-checked book: every expected figure below is worked out by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from schemas import Table
from schemas.cfdi import (
    COMPROBANTES,
    IMPUESTOS,
    NOMINA_LINEAS,
    NOMINAS,
    PAGOS,
    PAGOS_DOCUMENTOS,
    PAGOS_IMPUESTOS,
)
from schemas.metadata import METADATA
from schemas.retenciones import RETENCIONES, RETENCIONES_IMPUESTOS
from warehouse import Warehouse

A, B = "EKU9003173C9", "AAA010101AAA"
JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)


def _uuid(n: int) -> str:
    return f"11111111-2222-4333-8444-{n:012d}"


def _frame(table: Table, rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    """A frame of `table` with the given values; every column not mentioned is null."""
    filled = [{name: row.get(name) for name in table.names} for row in rows]
    return pl.DataFrame(filled, schema=table.schema)


def _d(text: str) -> Decimal:
    return Decimal(text)


def _invoice(
    n: int, kind: tuple[str, str | None], parties: tuple[str, str], amounts: tuple[str, str], **more: object
) -> dict[str, object]:
    """Document n of type and payment method `kind`, from issuer to receiver, with SubTotal and Total."""
    tipo, metodo = kind
    sub_total, total = amounts
    emisor, receptor = parties
    rate = _d(str(more.pop("tipo_cambio", "1")))
    row: dict[str, object] = {
        "uuid": _uuid(n),
        "version": "4.0",
        "tipo_de_comprobante": tipo,
        "metodo_pago": metodo,
        "fecha": more.pop("fecha", datetime(2024, 1, 10, 12, 0)),
        "moneda": "MXN" if rate == 1 else "USD",
        "tipo_cambio": None if rate == 1 else rate,
        "sub_total": _d(sub_total),
        "total": _d(total),
        "sub_total_mxn": _d(sub_total) * rate,
        "total_mxn": _d(total) * rate,
        "rfc_emisor": emisor,
        "nombre_emisor": f"Empresa {emisor}",
        "rfc_receptor": receptor,
        "nombre_receptor": f"Cliente {receptor}",
        "source": f"{n}.xml",
        "sha256": f"{n:064d}",
    }
    row.update(more)
    return row


def _iva(n: int, importe: str) -> dict[str, object]:
    return {
        "uuid": _uuid(n),
        "numero": 1,
        "nivel": "comprobante",
        "tipo": "traslado",
        "impuesto": "002",
        "tipo_factor": "Tasa",
        "tasa_o_cuota": _d("0.16"),
        "importe": _d(importe),
    }


def _metadata(
    n: int, emisor: str, receptor: str, monto: str, cancelled: datetime | None
) -> dict[str, object]:
    return {
        "uuid": _uuid(n),
        "rfc_emisor": emisor,
        "rfc_receptor": receptor,
        "fecha_emision": datetime(2024, 1, 10, 12, 0),
        "monto": _d(monto),
        "efecto_comprobante": "I",
        "estatus": "cancelado" if cancelled else "vigente",
        "fecha_cancelacion": cancelled,
        "source": "meta.txt",
        "numero_linea": n + 1,
    }


def _cfdi(wh: Warehouse, rfc: str, month: date, direction: str, frames: dict[str, pl.DataFrame]) -> None:
    with wh.load(rfc, month, direction, "cfdi") as load:
        load.append(frames, f"{rfc}-{month}-{direction}.zip", "a" * 64)


def _meta(wh: Warehouse, rows: list[Mapping[str, object]]) -> None:
    with wh.load(A, JAN, "emitidos", "metadata") as load:
        load.append({"metadata": _frame(METADATA, rows)}, "meta.zip", "b" * 64)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A issues 1 (PUE), 2 (PPD, USD at 20), 3 (credit note), 4 (cancelled later), 7 (payroll); B receives 1.

    In February A issues 5, a payment receipt paying half of 2. Metadata lists 1-4 and 6 (no XML).
    """
    wh = Warehouse.open(Path(tmp_path_factory.mktemp("views")) / "wh.duckdb")
    doc1 = _invoice(1, ("I", "PUE"), (A, B), ("1000", "1160"))
    _cfdi(
        wh,
        A,
        JAN,
        "emitidos",
        {
            "comprobantes": _frame(
                COMPROBANTES,
                [
                    doc1,
                    _invoice(2, ("I", "PPD"), (A, "CCC010101CCC"), ("100", "116"), tipo_cambio="20"),
                    _invoice(3, ("E", "PUE"), (A, B), ("100", "116")),
                    _invoice(4, ("I", "PUE"), (A, "DDD010101DDD"), ("500", "580")),
                    _invoice(7, ("N", "PUE"), (A, "PEPJ800101AB1"), ("10000", "8700")),
                ],
            ),
            "impuestos": _frame(IMPUESTOS, [_iva(1, "160"), _iva(2, "16"), _iva(3, "16"), _iva(4, "80")]),
            "retenciones": _frame(
                RETENCIONES,
                [
                    {
                        "uuid": _uuid(8),
                        "version": "2.0",
                        "fecha_exp": datetime(2024, 1, 31, 10, 0),
                        "cve_retenc": "14",
                        "rfc_emisor": A,
                        "rfc_receptor": B,
                        "mes_ini": 1,
                        "mes_fin": 1,
                        "ejercicio": 2024,
                        "monto_tot_operacion": _d("1000"),
                        "monto_tot_ret": _d("116"),
                        "source": "8.xml",
                        "sha256": "8" * 64,
                    }
                ],
            ),
            "retenciones_impuestos": _frame(
                RETENCIONES_IMPUESTOS,
                [
                    {"uuid": _uuid(8), "numero": 1, "impuesto": "001", "monto_ret": _d("100")},
                    {"uuid": _uuid(8), "numero": 2, "impuesto": "002", "monto_ret": _d("16")},
                ],
            ),
            "nominas": _frame(
                NOMINAS,
                [
                    {
                        "uuid": _uuid(7),
                        "numero": 1,
                        "fecha_pago": date(2024, 1, 15),
                        "total_percepciones": _d("10000"),
                        "total_deducciones": _d("1500"),
                        "total_otros_pagos": _d("200"),
                        "total_impuestos_retenidos": _d("1500"),
                        "curp": "PEPJ800101HDFRRN09",
                        "num_empleado": "7",
                    }
                ],
            ),
            "nomina_lineas": _frame(
                NOMINA_LINEAS,
                [
                    {
                        "uuid": _uuid(7),
                        "numero": 1,
                        "nomina_numero": 1,
                        "tipo_linea": "otro_pago",
                        "importe": _d("200"),
                        "subsidio_causado": _d("250"),
                    }
                ],
            ),
        },
    )
    _cfdi(
        wh,
        B,
        JAN,
        "recibidos",
        {"comprobantes": _frame(COMPROBANTES, [doc1]), "impuestos": _frame(IMPUESTOS, [_iva(1, "160")])},
    )
    payment = _invoice(5, ("P", None), (A, "CCC010101CCC"), ("0", "0"), fecha=datetime(2024, 2, 10, 9, 0))
    _cfdi(
        wh,
        A,
        FEB,
        "emitidos",
        {
            "comprobantes": _frame(COMPROBANTES, [payment]),
            "pagos": _frame(
                PAGOS,
                [
                    {
                        "uuid": _uuid(5),
                        "numero_pago": 1,
                        "fecha_pago": datetime(2024, 2, 10, 9, 0),
                        "moneda_p": "USD",
                        "tipo_cambio_p": _d("20"),
                        "monto": _d("58"),
                        "monto_mxn": _d("1160"),
                    }
                ],
            ),
            "pagos_documentos": _frame(
                PAGOS_DOCUMENTOS,
                [
                    {
                        "uuid": _uuid(5),
                        "numero_pago": 1,
                        "numero": 1,
                        "id_documento": _uuid(2),
                        "moneda_dr": "USD",
                        "num_parcialidad": 1,
                        "imp_saldo_ant": _d("116"),
                        "imp_pagado": _d("58"),
                        "imp_saldo_insoluto": _d("58"),
                    }
                ],
            ),
            "pagos_impuestos": _frame(
                PAGOS_IMPUESTOS,
                [
                    {
                        "uuid": _uuid(5),
                        "numero": 1,
                        "numero_pago": 1,
                        "nivel": "pago",
                        "tipo": "traslado",
                        "base": _d("50"),
                        "impuesto": "002",
                        "importe": _d("8"),
                    }
                ],
            ),
        },
    )
    listed = [_metadata(n, A, B, m, None) for n, m in ((1, "1160"), (2, "116"), (3, "116"), (6, "50"))]
    # 10 was already cancelled when the month's statuses were first loaded; 4 is cancelled afterwards.
    listed.append(_metadata(10, A, B, "70", datetime(2024, 1, 20)))
    _meta(wh, [*listed, _metadata(4, A, B, "580", None)])
    _meta(wh, [*listed, _metadata(4, A, B, "580", datetime(2024, 3, 1))])
    return wh


def test_documentos_holds_each_uuid_once_and_leaves_out_cancelled_ones(book: Warehouse) -> None:
    rows = book.query("SELECT uuid::VARCHAR, estatus FROM documentos ORDER BY uuid").rows()
    assert rows == [
        (_uuid(1), "vigente"),
        (_uuid(2), "vigente"),
        (_uuid(3), "vigente"),
        (_uuid(5), "sin_metadata"),
        (_uuid(7), "sin_metadata"),
    ]
    cancelled = book.query(
        "SELECT uuid::VARCHAR, estatus FROM documentos_con_cancelados WHERE uuid = ?", [_uuid(4)]
    )
    assert cancelled.rows() == [(_uuid(4), "cancelado")]


def test_income_and_expenses_are_net_of_credit_notes_per_rfc_and_currency(book: Warehouse) -> None:
    rows = book.query(
        "SELECT rfc, month, tipo, moneda, documentos_i, notas_de_credito, neto, neto_mxn, total_neto_mxn "
        "FROM ingresos_egresos_mensuales ORDER BY rfc, tipo, moneda"
    ).rows()
    assert rows == [
        (B, JAN, "egresos", "MXN", 1, 0, _d("1000"), _d("1000"), _d("1160")),
        (A, JAN, "ingresos", "MXN", 1, 1, _d("900"), _d("900"), _d("1044")),
        (A, JAN, "ingresos", "USD", 1, 0, _d("100"), _d("2000"), _d("2320")),
    ]


def test_vat_is_given_on_accrual_and_on_cash_basis_by_payment_date(book: Warehouse) -> None:
    rows = book.query(
        "SELECT month, iva_trasladado_devengado_mxn, iva_trasladado_flujo_mxn FROM iva_mensual "
        "WHERE rfc = ? ORDER BY month",
        [A],
    ).rows()
    # January accrual: 160 + 16 x 20 - 16 (credit note); cash: PUE only, 160 - 16. The PPD invoice's
    # VAT enters the cash basis in February with its payment: 8 USD x 20.
    assert rows == [(JAN, _d("464"), _d("144")), (FEB, _d("0"), _d("160"))]


def test_open_ppd_balances_subtract_payments_and_agree_with_the_last_saldo_insoluto(book: Warehouse) -> None:
    rows = book.query(
        "SELECT rfc, tipo, uuid::VARCHAR, total, pagado, saldo, saldo_mxn, pagos, ultimo_saldo_insoluto, "
        "saldo_cuadra FROM saldos_ppd"
    ).rows()
    assert rows == [
        (A, "por_cobrar", _uuid(2), _d("116"), _d("58"), _d("58"), _d("1160"), 1, _d("58"), True),
    ]


def test_payroll_is_summed_per_month_and_employee(book: Warehouse) -> None:
    row = book.query(
        "SELECT rfc, month, rfc_empleado, curp, recibos, percepciones, deducciones, otros_pagos, "
        "isr_retenido, subsidio_causado, neto FROM nomina_mensual"
    ).row(0)
    assert row == (
        A, JAN, "PEPJ800101AB1", "PEPJ800101HDFRRN09", 1,
        _d("10000"), _d("1500"), _d("200"), _d("1500"), _d("250"), _d("8700"),
    )  # fmt: skip


def test_only_a_cancellation_seen_after_the_months_statuses_were_loaded_is_flagged(book: Warehouse) -> None:
    rows = book.query(
        "SELECT rfc, uuid::VARCHAR, fecha_cancelacion, cancelado_despues_de_cargar FROM cancelaciones "
        "ORDER BY uuid"
    ).rows()
    assert rows == [(A, _uuid(4), datetime(2024, 3, 1), True), (A, _uuid(10), datetime(2024, 1, 20), False)]


def test_reconciliation_lists_metadata_without_xml_and_xml_without_metadata(book: Warehouse) -> None:
    # 8 is a Retenciones document: its XML counts as much as a CFDI's.
    rows = book.query(
        "SELECT rfc, direction, month, uuid::VARCHAR, falta FROM conciliacion ORDER BY ALL"
    ).rows()
    assert rows == [
        (B, "recibidos", JAN, _uuid(1), "metadata"),
        (A, "emitidos", JAN, _uuid(6), "xml"),
        (A, "emitidos", JAN, _uuid(7), "metadata"),
        (A, "emitidos", JAN, _uuid(8), "metadata"),
        (A, "emitidos", FEB, _uuid(5), "metadata"),
    ]


def test_withholdings_are_summed_per_period_with_each_tax(book: Warehouse) -> None:
    rows = book.query(
        "SELECT rfc, direction, ejercicio, mes_ini, mes_fin, cve_retenc, documentos, monto_tot_operacion, "
        "monto_tot_ret, isr_retenido, iva_retenido, ieps_retenido FROM retenciones_por_periodo"
    ).rows()
    assert rows == [
        (A, "emitidos", 2024, 1, 1, "14", 1, _d("1000"), _d("116"), _d("100"), _d("16"), _d("0")),
    ]


def test_large_foreign_currency_amounts_convert_to_mxn_without_overflow(tmp_path: Path) -> None:
    """DuckDB types DECIMAL(18,6) x DECIMAL(18,6) as DECIMAL(18,12): 70,994.20 USD x 18.564 overflowed."""
    invoice = _invoice(9, ("I", "PPD"), (A, B), ("442463.75", "513257.95"), tipo_cambio="18.564")
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        _cfdi(
            wh,
            A,
            JAN,
            "emitidos",
            {
                "comprobantes": _frame(COMPROBANTES, [invoice]),
                "impuestos": _frame(IMPUESTOS, [_iva(9, "70794.20")]),
            },
        )
        # 70,794.20 x 18.564 = 1,314,223.5288 and 513,257.95 x 18.564 = 9,528,120.5838, to the cent
        assert wh.query("SELECT iva_trasladado_devengado_mxn FROM iva_mensual").item() == _d("1314223.53")
        assert wh.query("SELECT saldo_mxn FROM saldos_ppd").item() == _d("9528120.58")
        # The document behind the figure also shows its IVA as invoiced, in its own currency.
        behind = (
            "SELECT moneda, iva_trasladado, iva_trasladado_mxn FROM iva_documentos WHERE base = 'devengado'"
        )
        assert wh.query(behind).rows() == [("USD", _d("70794.20"), _d("1314223.53"))]


# Three invoices of 0.005 MXN before tax, 0.004 of IVA each: per document 0.01 and 0.00, so 0.03 and 0.00;
# rounding the sums instead would give 0.02 (0.015) and 0.01 (0.012). And one of 1.125 USD at 3.333333:
# 3.749999625 MXN is 3.75, where 1.13 USD x 3.333333 would be 3.77.
_CENTS = (
    _invoice(21, ("I", "PUE"), (A, B), ("0.005", "0.009")),
    _invoice(22, ("I", "PUE"), (A, B), ("0.005", "0.009")),
    _invoice(23, ("I", "PUE"), (A, B), ("0.005", "0.009")),
    _invoice(24, ("I", "PUE"), (A, B), ("1.125", "1.305"), tipo_cambio="3.333333"),
)


@pytest.fixture(scope="module")
def cents(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse.open(Path(tmp_path_factory.mktemp("cents")) / "wh.duckdb")
    impuestos = [_iva(n, "0.004") for n in (21, 22, 23)] + [_iva(24, "0.18")]
    nominas = [
        {"uuid": _uuid(n), "numero": 1, "fecha_pago": date(2024, 1, 15), "total_percepciones": _d("0.005"),
         "total_deducciones": _d("0.004"), "curp": "PEPJ800101HDFRRN09"}
        for n in (25, 26)
    ]  # fmt: skip
    payroll = [_invoice(n, ("N", "PUE"), (A, "PEPJ800101AB1"), ("0.005", "0.001")) for n in (25, 26)]
    _cfdi(
        wh,
        A,
        JAN,
        "emitidos",
        {
            "comprobantes": _frame(COMPROBANTES, [*_CENTS, *payroll]),
            "impuestos": _frame(IMPUESTOS, impuestos),
            "nominas": _frame(NOMINAS, nominas),
        },
    )
    return wh


def test_income_is_rounded_to_the_cent_per_document_before_summing(cents: Warehouse) -> None:
    rows = cents.query(
        "SELECT moneda, importe_i, neto, neto_mxn, total_neto_mxn FROM ingresos_egresos_mensuales ORDER BY 1"
    ).rows()
    assert rows == [
        ("MXN", _d("0.03"), _d("0.03"), _d("0.03"), _d("0.03")),  # 3 x 0.01, not round(0.015) = 0.02
        # 1.125 USD is 1.13 in its currency; 3.749999625 MXN is 3.75 and 4.349999565 MXN is 4.35
        ("USD", _d("1.13"), _d("1.13"), _d("3.75"), _d("4.35")),
    ]


def test_vat_is_rounded_to_the_cent_per_document_before_summing(cents: Warehouse) -> None:
    # 3 x round(0.004) = 0.00 (not round(0.012) = 0.01), plus 0.18 USD x 3.333333 = 0.59999994 -> 0.60
    assert cents.query("SELECT iva_trasladado_devengado_mxn FROM iva_mensual").item() == _d("0.60")


def test_payroll_is_rounded_to_the_cent_per_receipt_before_summing(cents: Warehouse) -> None:
    row = cents.query("SELECT percepciones, deducciones, neto FROM nomina_mensual").row(0)
    # 2 x round(0.005) = 0.02 (not round(0.010) = 0.01); deductions 2 x 0.00; neto 2 x (0.01 - 0.00)
    assert row == (_d("0.02"), _d("0.00"), _d("0.02"))


def test_documents_present_their_amounts_to_the_cent_and_the_table_keeps_sats_values(
    cents: Warehouse,
) -> None:
    shown = cents.query("SELECT sub_total, total FROM documentos WHERE uuid = ?", [_uuid(24)]).row(0)
    stored = cents.query("SELECT sub_total, total FROM comprobantes WHERE uuid = ?", [_uuid(24)]).row(0)
    assert shown == (_d("1.13"), _d("1.31"))
    assert stored == (_d("1.125"), _d("1.305"))


def test_every_amount_a_view_presents_is_decimal_18_2(cents: Warehouse) -> None:
    """Every DECIMAL column of every view is money to the cent, but exchange rates, tax rates, shares of
    a total and day counts."""
    columns = cents.query(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal) "
        "AND data_type LIKE 'DECIMAL%'"
    ).rows()
    assert columns, "no view presents an amount"
    rates = ("tipo_cambio", "tasa", "participacion", "dias")
    wrong = [(t, c, d) for t, c, d in columns if d != "DECIMAL(18,2)" and not c.startswith(rates)]
    assert wrong == []
