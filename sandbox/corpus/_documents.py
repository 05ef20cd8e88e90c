"""From a planned header to a full document: the CFDI or Retenciones model, its XML and its amounts."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from ._cfdi_xml import render_cfdi
from ._draw import rng
from ._invoice import PRODUCTS, Comprobante, Line, LocalTax, make_line, priced_line
from ._money import ZERO, cents
from ._nomina import NOMINA_NAMESPACE, make_payroll
from ._pagos import PAGOS_NAMESPACE, paid_invoice, render_pagos
from ._parties import GENERAL_PUBLIC_RFC
from ._plan import GROUP, Header, Plan
from ._retenciones import Retencion, make_retencion, render_retencion

__all__ = ["Amounts", "DocumentFactory"]

_FORMS = ("01", "03", "03", "03", "04", "28")
_USES = ("G01", "G03", "G03", "G03", "I04")
_GENERIC_PROFILES = ("iva16",) * 12 + ("iva8", "iva8", "iva0", "exento", "none")
_ROLE_PROFILES = {14: "honorarios", 15: "ieps", 9: "ieps", 5: "iva16"}
_FOREIGN_CURRENCY_ROLES = frozenset({0, 1, 2, 3, 4, 16, 17, 18})
_PAYMENT_PRODUCT = ("84111506", "ACT", "", "Pago")
Related = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Amounts:
    """What the metadata shows of a document's money."""

    monto: Decimal
    withheld: Decimal | None = None  # Retenciones: MontoTotRet
    cve_retenc: str | None = None


def _line_count(r: random.Random) -> int:
    return r.choice((1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 14, 20))


def _currency(r: random.Random) -> tuple[str, Decimal | None]:
    roll = r.random()
    if roll < 0.80:
        return "MXN", (Decimal(1) if r.random() < 0.5 else None)
    if roll < 0.95:
        return "USD", Decimal(r.randrange(170000, 205000)) / 10000
    return "EUR", Decimal(r.randrange(185000, 225000)) / 10000


def _comprobante(
    header: Header,
    *,
    serie: str,
    forma_pago: str | None,
    metodo_pago: str | None,
    moneda: str,
    uso_cfdi: str,
    lines: Sequence[Line],
    tipo_cambio: Decimal | None = None,
    local_taxes: Sequence[LocalTax] = (),
    related: Related = (),
    complement: tuple[str, tuple[str, str, str]] | None = None,
    global_info: tuple[str, str, str] | None = None,
) -> Comprobante:
    return Comprobante(
        version=header.version,
        tipo=header.tipo,
        serie=serie,
        folio=str(header.key.month.ordinal % 1000 * 100000 + header.key.index),
        fecha=header.fecha,
        forma_pago=forma_pago,
        metodo_pago=metodo_pago,
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        issuer=header.issuer,
        receiver=header.receiver,
        uso_cfdi=uso_cfdi,
        lines=lines,
        uuid=header.uuid,
        stamped=header.stamped,
        pac=header.pac,
        lower_case_uuid=header.bits % 3 != 0,  # two thirds of real stamps write the UUID in lower case
        local_taxes=local_taxes,
        related=related,
        complement_xml="" if complement is None else complement[0],
        complement_namespaces=() if complement is None else (complement[1],),
        global_info=global_info,
    )


class DocumentFactory:
    """Builds documents from headers; every call regenerates from the seed, nothing is cached."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def xml(self, header: Header) -> bytes:
        if header.key.family == "retenciones":
            return render_retencion(self.retencion(header))
        return render_cfdi(self.comprobante(header))

    def amounts(self, header: Header) -> Amounts:
        if header.key.family == "retenciones":
            ret = self.retencion(header)
            return Amounts(ret.operation, ret.total_withheld, ret.cve)
        c = self.comprobante(header)
        return Amounts(ZERO if c.tipo in ("P", "T") else c.totals.total)

    def retencion(self, header: Header) -> Retencion:
        return make_retencion(header, rng(self.plan.seed, "body", header.uuid))

    def comprobante(self, header: Header) -> Comprobante:
        r = rng(self.plan.seed, "body", header.uuid)
        if header.tipo == "P":
            return self._payment(header, r)
        if header.tipo == "N":
            payroll = make_payroll(r, header.issuer, header.receiver, header.group % 50 + 1, header.fecha)
            return _comprobante(
                header,
                serie="N",
                forma_pago=None,
                metodo_pago="PUE",
                moneda="MXN",
                uso_cfdi="CN01",
                lines=(payroll.line,),
                complement=(payroll.xml, NOMINA_NAMESPACE),
            )
        if header.tipo == "T":
            lines = tuple(
                priced_line(PRODUCTS[r.randrange(len(PRODUCTS))], Decimal(r.randrange(1, 50)), ZERO, "none")
                for _ in range(r.randrange(1, 4))
            )
            return _comprobante(
                header,
                serie="T",
                forma_pago=None,
                metodo_pago=None,
                moneda="XXX",
                uso_cfdi="S01",
                lines=lines,
            )
        if header.tipo == "E":
            return self._credit_note(header, r)
        return self._invoice(header, r)

    def _invoice(self, header: Header, r: random.Random) -> Comprobante:
        role = header.role
        moneda, tipo_cambio = _currency(r) if role in _FOREIGN_CURRENCY_ROLES else ("MXN", None)
        lines: list[Line] = []
        for number in range(_line_count(r)):
            profile = _ROLE_PROFILES.get(role) or r.choice(_GENERIC_PROFILES)
            if profile == "iva16" and header.issuer.is_person and role != 5 and r.random() < 0.3:
                profile = "resico"
            third = self.plan.third_party(header) if number == 0 else None
            lines.append(make_line(r, profile, discount=role != 5 and r.random() < 0.15, third_party=third))
        local: tuple[LocalTax, ...] = ()
        if header.complement == "implocal":
            taxable = sum((line.importe - line.descuento for line in lines), ZERO)
            local = (LocalTax("ISH", Decimal("3.00"), cents(taxable * Decimal("0.03")), withheld=False),)
            if r.random() < 0.5:
                local += (
                    LocalTax(
                        "5 al millar", Decimal("0.50"), cents(taxable * Decimal("0.005")), withheld=True
                    ),
                )
        related: Related = ()
        previous = header.key.month - 1
        if role == 11 and self.plan.has_month(previous):
            slot = header.group * GROUP + 10
            replaced = self.plan.key_at("cfdi", header.key.rfc_index, header.key.origin, previous, slot)
            related = (("04", (self.plan.uuid_of(replaced),)),)
        ppd = role == 5
        month = header.key.month
        public = header.receiver.rfc == GENERAL_PUBLIC_RFC
        return _comprobante(
            header,
            serie="F" if header.version == "4.0" else "A",
            forma_pago="99" if ppd else r.choice(_FORMS),
            metodo_pago="PPD" if ppd else "PUE",
            moneda=moneda,
            tipo_cambio=tipo_cambio,
            uso_cfdi="S01" if public else r.choice(_USES),
            global_info=("04", f"{month.number:02d}", str(month.year)) if public else None,
            lines=tuple(lines),
            local_taxes=local,
            related=related,
        )

    def _credit_note(self, header: Header, r: random.Random) -> Comprobante:
        """Credits part of the first line of role 7 of last month (TipoRelacion 01)."""
        previous = header.key.month - 1
        if not self.plan.has_month(previous):
            lines = (make_line(r, "iva16", discount=False),)
            return _comprobante(
                header,
                serie="NC",
                forma_pago="03",
                metodo_pago="PUE",
                moneda="MXN",
                uso_cfdi="G02",
                lines=lines,
            )
        slot = header.group * GROUP + 7
        key = self.plan.key_at("cfdi", header.key.rfc_index, header.key.origin, previous, slot)
        invoice = self.comprobante(self.plan.header(key))
        first = invoice.lines[0]
        credited = max(cents(first.importe * Decimal(r.randrange(5, 40)) / 100), Decimal("0.01"))
        product = (first.clave_prod_serv, first.clave_unidad, first.unidad or "", first.descripcion)
        line = priced_line(
            product, Decimal(1), credited, "iva16", descripcion=f"Bonificación: {first.descripcion}"
        )
        return _comprobante(
            header,
            serie="NC",
            forma_pago="03",
            metodo_pago="PUE",
            moneda=invoice.moneda,
            tipo_cambio=invoice.tipo_cambio,
            uso_cfdi="G02",
            lines=(line,),
            related=(("01", (invoice.uuid,)),),
        )

    def _payment(self, header: Header, r: random.Random) -> Comprobante:
        paid = []
        for back, parcialidad in ((1, 1), (2, 2)):
            month = header.key.month - back
            if self.plan.has_month(month):
                slot = header.group * GROUP + 5
                key = self.plan.key_at("cfdi", header.key.rfc_index, header.key.origin, month, slot)
                paid.append(
                    paid_invoice(self.plan.seed, self.comprobante(self.plan.header(key)), parcialidad)
                )
        # Paid shortly before the receipt was issued, never before the month began (nor so before the
        # invoices it pays, which are all from earlier months).
        fecha_pago = max(header.fecha - timedelta(hours=r.randrange(1, 72)), header.key.month.start)
        xml, _ = render_pagos(paid, fecha_pago, r.choice(("03", "03", "02", "04")))
        line = priced_line(_PAYMENT_PRODUCT, Decimal(1), ZERO, "none")
        return _comprobante(
            header,
            serie="P",
            forma_pago=None,
            metodo_pago=None,
            moneda="XXX",
            uso_cfdi="CP01",
            lines=(line,),
            complement=(xml, PAGOS_NAMESPACE),
        )
