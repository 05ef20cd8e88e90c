"""Exact money as SAT writes it: amounts to the cent, rates and exchange rates to six places."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CENT", "ZERO", "cents", "money", "rate", "six"]

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Rounded half up to the cent, as SAT rounds amounts in MXN, USD and EUR."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def six(value: Decimal) -> Decimal:
    """Rounded half up to six places, the most SAT's schemas allow."""
    return value.quantize(MICRO, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """An amount with exactly two decimals (`1234.50`)."""
    return str(cents(value))


def rate(value: Decimal) -> str:
    """A rate or quota with exactly six decimals (`0.160000`)."""
    return str(six(value))
