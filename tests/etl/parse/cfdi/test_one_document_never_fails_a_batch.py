"""Whatever one document holds, it lands (repaired, the repair recorded) or is refused with a reason, and the
rest of its batch lands unchanged (issue 12): one synthetic defect per test, on both parser paths."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.etl.parse.cfdi._helpers import fixture, parse

pytestmark = pytest.mark.usefixtures("parser_path")  # each test on both parser paths

UUID = "c2832671-da6d-11ef-a83d-00155d012007"
BASE = fixture("CfdiUtils-cfdi40-real.xml")
GOOD = fixture("CfdiUtils-cfdi33-real.xml")
PAGO = fixture("CfdiUtils-created-cfdi40-pago20-valid.xml")


def _alone(name: str, data: bytes) -> dict[str, object]:
    frame = parse((name, data)).table("comprobantes")
    assert frame.height == 1
    return frame.to_dicts()[0]


def test_an_mxn_conversion_that_does_not_fit_lands_null_and_flagged_keeping_sats_amounts() -> None:
    huge = BASE.replace(b'TipoCambio="1"', b'TipoCambio="9999999"', 1).replace(
        b'SubTotal="862.07"', b'SubTotal="99999999"', 1
    )
    result = parse(("good.xml", GOOD), ("huge.xml", huge))
    assert result.rejected == {}
    header = result.one("comprobantes", UUID)
    assert header["sub_total"] == Decimal("99999999")
    assert header["tipo_cambio"] == Decimal("9999999")
    assert header["sub_total_mxn"] is None
    assert header["total_mxn"] == Decimal("9999999000.000000")  # 1000 × 9999999 fits
    assert header["reparaciones"] == ["conversion_mxn_fuera_de_rango"]
    good = [row for row in result.table("comprobantes").to_dicts() if row["source"] == "good.xml"]
    assert good == [_alone("good.xml", GOOD)]


def test_a_payment_whose_mxn_amount_does_not_fit_lands_null_and_flags_its_document() -> None:
    huge = PAGO.replace(b'TipoCambioP="1"', b'TipoCambioP="9999999"', 1).replace(
        b'Monto="15000.00"', b'Monto="999999999999"', 1
    )
    result = parse(("good.xml", GOOD), ("pago.xml", huge))
    assert result.rejected == {}
    pago = result.table("pagos").to_dicts()
    assert [(row["monto"], row["monto_mxn"]) for row in pago] == [(Decimal("999999999999"), None)]
    headers = {row["source"]: row for row in result.table("comprobantes").to_dicts()}
    assert "conversion_mxn_fuera_de_rango" in headers["pago.xml"]["reparaciones"]
    assert headers["good.xml"] == _alone("good.xml", GOOD)
