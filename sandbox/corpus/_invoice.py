"""The CFDI model the renderers write: lines with their taxes, and totals derived from them.

Every amount is a `Decimal` with two places (MXN, USD and EUR all have two), rates have six. Document
totals are sums of line amounts, so lines -> SubTotal -> taxes -> Total reconcile to the cent by
construction."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ._money import ZERO, cents
from ._parties import Party

__all__ = [
    "PRODUCTS",
    "TAX_PROFILES",
    "Comprobante",
    "Line",
    "LocalTax",
    "Product",
    "Tax",
    "Totals",
    "make_line",
    "priced_line",
    "totals",
]

ISR, IVA, IEPS = "001", "002", "003"


@dataclass(frozen=True, slots=True)
class Tax:
    base: Decimal
    impuesto: str
    factor: str  # Tasa, Cuota, Exento
    rate: Decimal | None  # None when Exento
    amount: Decimal | None  # None when Exento
    withheld: bool


@dataclass(frozen=True, slots=True)
class Line:
    clave_prod_serv: str
    no_identificacion: str | None
    cantidad: Decimal
    clave_unidad: str
    unidad: str | None
    descripcion: str
    valor_unitario: Decimal
    importe: Decimal
    descuento: Decimal
    objeto_imp: str
    taxes: tuple[Tax, ...]
    third_party: Party | None = None


@dataclass(frozen=True, slots=True)
class LocalTax:
    name: str
    percent: Decimal
    amount: Decimal
    withheld: bool


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: Decimal
    descuento: Decimal
    transferred: tuple[
        tuple[str, str, Decimal | None, Decimal, Decimal | None], ...
    ]  # imp, factor, rate, base, amount
    withheld: tuple[tuple[str, Decimal], ...]  # impuesto, amount
    total_transferred: Decimal | None  # None when no transferred tax carries an amount
    total_withheld: Decimal | None
    local_transferred: Decimal
    local_withheld: Decimal
    total: Decimal


@dataclass(slots=True)
class Comprobante:
    version: str
    tipo: str
    serie: str
    folio: str
    fecha: datetime
    forma_pago: str | None
    metodo_pago: str | None
    moneda: str
    tipo_cambio: Decimal | None
    issuer: Party
    receiver: Party
    uso_cfdi: str
    lines: Sequence[Line]
    uuid: str
    stamped: datetime
    pac: str
    lower_case_uuid: bool
    local_taxes: Sequence[LocalTax] = ()
    related: Sequence[tuple[str, tuple[str, ...]]] = ()
    complement_xml: str = ""  # pre-rendered complement elements (Pagos, Nómina), before the stamp
    complement_namespaces: Sequence[tuple[str, str, str]] = ()  # prefix, namespace, schema location
    global_info: tuple[str, str, str] | None = None  # InformacionGlobal: Periodicidad, Meses, Año
    totals: Totals = field(init=False)

    def __post_init__(self) -> None:
        self.totals = totals(self.lines, self.local_taxes)


def totals(lines: Sequence[Line], local_taxes: Sequence[LocalTax] = ()) -> Totals:
    subtotal = sum((line.importe for line in lines), ZERO)
    descuento = sum((line.descuento for line in lines), ZERO)
    transferred: dict[tuple[str, str, Decimal | None], list[Decimal | None]] = {}
    withheld: dict[str, Decimal] = {}
    for line in lines:
        for tax in line.taxes:
            if tax.withheld:
                withheld[tax.impuesto] = withheld.get(tax.impuesto, ZERO) + (tax.amount or ZERO)
                continue
            slot = transferred.setdefault((tax.impuesto, tax.factor, tax.rate), [ZERO, None])
            slot[0] = (slot[0] or ZERO) + tax.base
            if tax.amount is not None:
                slot[1] = (slot[1] or ZERO) + tax.amount
    rows = tuple(
        (imp, factor, rate, sums[0] or ZERO, sums[1]) for (imp, factor, rate), sums in transferred.items()
    )
    amounts = [amount for *_, amount in rows if amount is not None]
    total_transferred = sum(amounts, ZERO) if amounts else None
    total_withheld = sum(withheld.values(), ZERO) if withheld else None
    local_transferred = sum((tax.amount for tax in local_taxes if not tax.withheld), ZERO)
    local_withheld = sum((tax.amount for tax in local_taxes if tax.withheld), ZERO)
    total = (
        subtotal
        - descuento
        + (total_transferred or ZERO)
        - (total_withheld or ZERO)
        + local_transferred
        - local_withheld
    )
    return Totals(
        subtotal=subtotal,
        descuento=descuento,
        transferred=rows,
        withheld=tuple(withheld.items()),
        total_transferred=total_transferred,
        total_withheld=total_withheld,
        local_transferred=local_transferred,
        local_withheld=local_withheld,
        total=total,
    )


# (ClaveProdServ, ClaveUnidad, Unidad, Descripcion): descriptions carry quotes, `&`, `<` and accents.
PRODUCTS = (
    ("43211914", "H87", "PIEZA", 'Pantalla LED 32" con entrada HDMI'),
    ("31161500", "H87", "PIEZA", 'Tornillo hexagonal 1/4" acero inoxidable'),
    ("50201706", "KGM", "KILOGRAMO", "Café de Oaxaca tostado & molido"),
    ("60141000", "H87", "PIEZA", "Piñata de cartón <tradicional>"),
    ("80141628", "E48", "SERVICIO", "Comisión por intermediación"),
    ("78121603", "E48", "SERVICIO", "Servicio de envío de mercancías"),
    ("81112100", "E48", "SERVICIO", "Hospedaje de sitio web, plan anual"),
    ("84111506", "E48", "SERVICIO", "Servicios de facturación"),
    ("44121600", "H87", "PIEZA", "Cuaderno profesional 100 hojas"),
    ("15101514", "LTR", "LITRO", "Gasolina Magna"),
    ("50202306", "H87", "PIEZA", "Refresco de cola 600 ml"),
    ("72101500", "E48", "SERVICIO", "Mantenimiento de edificio: pintura y reparación"),
    ("43232300", "E48", "SERVICIO", "Licencia de software de contabilidad"),
    ("53102700", "H87", "PIEZA", "Uniforme de trabajo talla M"),
)

# Each profile: (ObjetoImp, [(impuesto, factor, rate or None, withheld)]).
_R = Decimal
TAX_PROFILES: dict[str, tuple[str, tuple[tuple[str, str, Decimal | None, bool], ...]]] = {
    "iva16": ("02", ((IVA, "Tasa", _R("0.160000"), False),)),
    "iva8": ("02", ((IVA, "Tasa", _R("0.080000"), False),)),
    "iva0": ("02", ((IVA, "Tasa", _R("0.000000"), False),)),
    "exento": ("02", ((IVA, "Exento", None, False),)),
    "none": ("01", ()),
    "ieps": ("02", ((IVA, "Tasa", _R("0.160000"), False), (IEPS, "Tasa", _R("0.080000"), False))),
    "honorarios": (
        "02",
        (
            (IVA, "Tasa", _R("0.160000"), False),
            (ISR, "Tasa", _R("0.100000"), True),
            (IVA, "Tasa", _R("0.106667"), True),
        ),
    ),
    "resico": ("02", ((IVA, "Tasa", _R("0.160000"), False), (ISR, "Tasa", _R("0.012500"), True))),
}


Product = tuple[str, str, str, str]


def priced_line(
    product: Product,
    cantidad: Decimal,
    valor_unitario: Decimal,
    profile: str,
    *,
    descuento: Decimal = ZERO,
    no_identificacion: str | None = None,
    descripcion: str | None = None,
    third_party: Party | None = None,
) -> Line:
    """A line with Importe = Cantidad x ValorUnitario exactly and its taxes on Importe - Descuento."""
    clave, unit_code, unit, description = product
    importe = cantidad * valor_unitario
    base = importe - descuento
    objeto, rules = TAX_PROFILES[profile]
    taxes = tuple(
        Tax(base, imp, factor, rate, None if rate is None else cents(base * rate), withheld)
        for imp, factor, rate, withheld in rules
    )
    return Line(
        clave_prod_serv=clave,
        no_identificacion=no_identificacion,
        cantidad=cantidad,
        clave_unidad=unit_code,
        unidad=unit or None,
        descripcion=descripcion or description,
        valor_unitario=valor_unitario,
        importe=importe,
        descuento=descuento,
        objeto_imp=objeto,
        taxes=taxes,
        third_party=third_party,
    )


def make_line(r: random.Random, profile: str, *, discount: bool, third_party: Party | None = None) -> Line:
    """A random line: prices spread over four orders of magnitude, like real invoices."""
    product = PRODUCTS[r.randrange(len(PRODUCTS))]
    cantidad = Decimal(r.choice((1, 1, 1, 2, 3, 5, 10, 12, 24)))
    valor_unitario = Decimal(int(10 ** r.uniform(2.0, 6.2))) / 100
    descuento = cents(cantidad * valor_unitario * Decimal(r.randrange(5, 16)) / 100) if discount else ZERO
    return priced_line(
        product,
        cantidad,
        valor_unitario,
        profile,
        descuento=descuento,
        no_identificacion=f"SKU-{r.randrange(1, 99999):05d}" if r.random() < 0.6 else None,
        third_party=third_party,
    )
