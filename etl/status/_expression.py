"""The `expresionImpresa` of one CFDI: the text SAT's status service identifies a document by.

CFDI 3.3 and 4.0: the URL printed in the invoice's QR code, with `fe` (the last 8 characters of the
Sello) when it is known. The warehouse does not keep the Sello, and SAT also answers the short
`?re=&rr=&tt=&id=` form, so that form is used without it (and, with SAT's 10.6 total, for CFDI 3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["DocumentRef", "InvalidDocumentRefError", "expression"]

_QR_BASE = "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
_MAX_DECIMALS = 6


class InvalidDocumentRefError(ValueError):
    """A document cannot be asked about: its UUID, RFCs or total are missing or malformed."""


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """What the status service needs to find one CFDI."""

    uuid: str
    rfc_emisor: str
    rfc_receptor: str
    total: Decimal
    version: str | None = None  # "3.2", "3.3", "4.0"; None when only metadata is known
    sello_tail: str | None = None  # the last 8 characters of the Sello, when known

    def __post_init__(self) -> None:
        if not self.uuid or not self.rfc_emisor or not self.rfc_receptor:
            name = self.uuid or "(no uuid)"
            raise InvalidDocumentRefError(f"document {name}: its UUID and both RFCs are needed")
        try:
            finite = self.total.is_finite()
        except (AttributeError, InvalidOperation):
            finite = False
        if not finite or self.total < 0:
            raise InvalidDocumentRefError(f"document {self.uuid}: total {self.total!r} is not an amount")


def _qr_total(total: Decimal) -> str:
    """Up to 6 decimals, trailing zeros trimmed but one decimal kept: 1234.5 -> 1234.5, 100 -> 100.0."""
    text = f"{total.quantize(Decimal(1).scaleb(-_MAX_DECIMALS)):f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _v32_total(total: Decimal) -> str:
    """CFDI 3.2's fixed form: 10 integer digits, a point, 6 decimals."""
    return f"{total.quantize(Decimal(1).scaleb(-_MAX_DECIMALS)):017f}"


def expression(ref: DocumentRef) -> str:
    """The expresionImpresa for `ref` (not yet XML-escaped)."""
    uuid = ref.uuid.upper()
    if ref.version == "3.2":
        return f"?re={ref.rfc_emisor}&rr={ref.rfc_receptor}&tt={_v32_total(ref.total)}&id={uuid}"
    if ref.sello_tail:
        return (
            f"{_QR_BASE}?id={uuid}&re={ref.rfc_emisor}&rr={ref.rfc_receptor}"
            f"&tt={_qr_total(ref.total)}&fe={ref.sello_tail[-8:]}"
        )
    return f"?re={ref.rfc_emisor}&rr={ref.rfc_receptor}&tt={_qr_total(ref.total)}&id={uuid}"
