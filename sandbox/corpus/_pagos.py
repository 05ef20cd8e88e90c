"""Pagos 2.0: a P document paying two PPD invoices of the same issuer and receiver.

Role 6 of month M pays parcialidad 1 of role 5 of month M-1 and parcialidad 2 (the rest) of role 5 of
month M-2. The first parcialidad's share is a hash of the invoice's UUID, so either payment can be
regenerated alone and ImpSaldoAnt / ImpPagado / ImpSaldoInsoluto chain exactly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ._draw import unit
from ._invoice import Comprobante
from ._money import ZERO, cents, money, rate, six
from ._xml import attrs

__all__ = ["PAGOS_NAMESPACE", "PaidInvoice", "first_share", "render_pagos"]

PAGOS_NAMESPACE = (
    "pago20",
    "http://www.sat.gob.mx/Pagos20",
    "http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd",
)


@dataclass(frozen=True, slots=True)
class PaidInvoice:
    invoice: Comprobante
    parcialidad: int
    saldo_anterior: Decimal
    pagado: Decimal

    @property
    def insoluto(self) -> Decimal:
        return self.saldo_anterior - self.pagado


def first_share(seed: int, invoice_uuid: str, total: Decimal) -> Decimal:
    """What parcialidad 1 pays of an invoice: between 30% and 70% of it, to the cent."""
    return cents(total * Decimal(30 + int(unit(seed, "parcialidad", invoice_uuid) * 41)) / 100)


def paid_invoice(seed: int, invoice: Comprobante, parcialidad: int) -> PaidInvoice:
    total = invoice.totals.total
    first = first_share(seed, invoice.uuid, total)
    if parcialidad == 1:
        return PaidInvoice(invoice, 1, total, first)
    return PaidInvoice(invoice, 2, total - first, total - first)


def render_pagos(paid: list[PaidInvoice], fecha_pago: datetime, forma: str) -> tuple[str, Decimal]:
    """The `pago20:Pagos` element for one payment in MXN covering `paid`, and the payment's amount."""
    monto = sum((p.pagado for p in paid), ZERO)
    grouped: dict[tuple[str, str, Decimal | None], list[Decimal]] = {}
    documents = []
    for p in paid:
        inv = p.invoice
        ratio = p.pagado / inv.totals.total
        rows = []
        for imp, factor, tasa, base, _ in inv.totals.transferred:
            base_dr = six(base * ratio)
            amount_dr = None if tasa is None else six(base_dr * tasa)
            sums = grouped.setdefault((imp, factor, tasa), [ZERO, ZERO])
            sums[0] += base_dr
            sums[1] += amount_dr or ZERO
            rows.append(
                f'<pago20:TrasladoDR BaseDR="{base_dr}" ImpuestoDR="{imp}" TipoFactorDR="{factor}"'
                + ("/>" if tasa is None else f' TasaOCuotaDR="{rate(tasa)}" ImporteDR="{amount_dr}"/>')
            )
        documents.append(
            "<pago20:DoctoRelacionado"
            + attrs(
                ("IdDocumento", inv.uuid),
                ("Serie", inv.serie),
                ("Folio", inv.folio),
                ("MonedaDR", "MXN"),
                ("EquivalenciaDR", "1"),
                ("NumParcialidad", str(p.parcialidad)),
                ("ImpSaldoAnt", money(p.saldo_anterior)),
                ("ImpPagado", money(p.pagado)),
                ("ImpSaldoInsoluto", money(p.insoluto)),
                ("ObjetoImpDR", "02"),
            )
            + f"><pago20:ImpuestosDR><pago20:TrasladosDR>{''.join(rows)}</pago20:TrasladosDR>"
            "</pago20:ImpuestosDR></pago20:DoctoRelacionado>"
        )
    totals: list[tuple[str, str | None]] = []
    taxes_p = []
    for (imp, factor, tasa), (base_p, amount_p) in grouped.items():
        taxes_p.append(
            f'<pago20:TrasladoP BaseP="{six(base_p)}" ImpuestoP="{imp}" TipoFactorP="{factor}"'
            + ("/>" if tasa is None else f' TasaOCuotaP="{rate(tasa)}" ImporteP="{six(amount_p)}"/>')
        )
        totals.extend(_totales_attrs(imp, factor, tasa, base_p, amount_p))
    totals.append(("MontoTotalPagos", money(monto)))
    pago = attrs(
        ("FechaPago", fecha_pago.isoformat()),
        ("FormaDePagoP", forma),
        ("MonedaP", "MXN"),
        ("TipoCambioP", "1"),
        ("Monto", money(monto)),
    )
    xml = (
        f'<pago20:Pagos Version="2.0"><pago20:Totales{attrs(*totals)}/>'
        f"<pago20:Pago{pago}>{''.join(documents)}"
        f"<pago20:ImpuestosP><pago20:TrasladosP>{''.join(taxes_p)}</pago20:TrasladosP></pago20:ImpuestosP>"
        "</pago20:Pago></pago20:Pagos>"
    )
    return xml, monto


_IVA_TOTALS: dict[str, Callable[[Decimal, Decimal], list[tuple[str, str | None]]]] = {
    "0.160000": lambda b, a: [
        ("TotalTrasladosBaseIVA16", money(b)),
        ("TotalTrasladosImpuestoIVA16", money(a)),
    ],
    "0.080000": lambda b, a: [("TotalTrasladosBaseIVA8", money(b)), ("TotalTrasladosImpuestoIVA8", money(a))],
    "0.000000": lambda b, a: [("TotalTrasladosBaseIVA0", money(b)), ("TotalTrasladosImpuestoIVA0", money(a))],
}


def _totales_attrs(
    imp: str, factor: str, tasa: Decimal | None, base: Decimal, amount: Decimal
) -> list[tuple[str, str | None]]:
    if imp != "002":
        return []
    if tasa is None:
        return [("TotalTrasladosBaseIVAExento", money(base))]
    make = _IVA_TOTALS.get(rate(tasa))
    return [] if make is None else make(base, amount)
