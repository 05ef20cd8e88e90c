"""Nómina 1.2 for an N document: a fortnight's pay with percepciones, deducciones and otros pagos.

The CFDI carries the payroll as one line: ValorUnitario = Importe = percepciones + otros pagos,
Descuento = deducciones, so Total = SubTotal - Descuento is the net pay."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ._draw import draw
from ._invoice import Line
from ._money import ZERO, cents, money
from ._parties import Party
from ._xml import attrs

__all__ = ["NOMINA_NAMESPACE", "Payroll", "make_payroll"]

NOMINA_NAMESPACE = (
    "nomina12",
    "http://www.sat.gob.mx/nomina12",
    "http://www.sat.gob.mx/sitio_internet/cfd/nomina/nomina12.xsd",
)
_DEPARTMENTS = ("VENTAS", "ALMACÉN", "CONTABILIDAD", "DIRECCIÓN", "PRODUCCIÓN")
_POSITIONS = ("AUXILIAR", "GERENTE", "OPERADOR", "ANALISTA", "CHOFER")


@dataclass(frozen=True, slots=True)
class Payroll:
    line: Line
    xml: str


def _period(moment: datetime) -> tuple[date, date]:
    if moment.day <= 15:
        return date(moment.year, moment.month, 1), date(moment.year, moment.month, 15)
    last = calendar.monthrange(moment.year, moment.month)[1]
    return date(moment.year, moment.month, 16), date(moment.year, moment.month, last)


def make_payroll(r: random.Random, employer: Party, worker: Party, number: int, fecha: datetime) -> Payroll:
    first, last = _period(fecha)
    days = (last - first).days + 1
    daily = Decimal(r.randrange(27800, 250000)) / 100
    salary = cents(daily * days)
    perceptions = [("001", "001", "Sueldo", salary, ZERO)]
    if r.random() < 0.6:
        perceptions.append(("029", "032", "Despensa", ZERO, Decimal(r.randrange(500, 1500))))
    if r.random() < 0.3:
        overtime = cents(daily / 8 * 2 * r.randrange(2, 9))
        perceptions.append(("019", "019", "Horas extra", cents(overtime / 2), overtime - cents(overtime / 2)))
    gravado = sum((p[3] for p in perceptions), ZERO)
    exento = sum((p[4] for p in perceptions), ZERO)
    isr = cents(gravado * Decimal("0.0950"))
    deductions = [
        ("001", "052", "I.M.S.S.", cents(gravado * Decimal("0.02775"))),
        ("002", "045", "I.S.R.", isr),
    ]
    if r.random() < 0.25:
        deductions.append(("010", "059", "Préstamo INFONAVIT", cents(salary * Decimal("0.15"))))
    other_payments = []
    if daily < 700:
        other_payments.append(("999", "099", "Ajuste al neto", Decimal(r.randrange(1, 99)) / 100))
    total_perceptions = gravado + exento
    total_deductions = sum((d[3] for d in deductions), ZERO)
    total_other = sum((o[3] for o in other_payments), ZERO)
    curp = (worker.rfc[:10] + "HDFRRN0" + str(number % 10)).ljust(18, "0")[:18]
    head = attrs(
        ("Version", "1.2"),
        ("TipoNomina", "O"),
        ("FechaPago", last.isoformat()),
        ("FechaInicialPago", first.isoformat()),
        ("FechaFinalPago", last.isoformat()),
        ("NumDiasPagados", f"{days}.000"),
        ("TotalPercepciones", money(total_perceptions)),
        ("TotalDeducciones", money(total_deductions)),
        ("TotalOtrosPagos", money(total_other) if other_payments else None),
    )
    receptor = attrs(
        ("Curp", curp),
        ("NumSeguridadSocial", f"{number * 7919 % 10**11:011d}"),
        ("FechaInicioRelLaboral", "2019-03-01"),
        ("Antigüedad", f"P{(first - date(2019, 3, 1)).days // 7}W"),
        ("TipoContrato", "01"),
        ("Sindicalizado", "No"),
        ("TipoJornada", "01"),
        ("TipoRegimen", "02"),
        ("NumEmpleado", str(number)),
        ("Departamento", _DEPARTMENTS[number % len(_DEPARTMENTS)]),
        ("Puesto", _POSITIONS[number % len(_POSITIONS)]),
        ("RiesgoPuesto", "2"),
        ("PeriodicidadPago", "04"),
        ("SalarioBaseCotApor", money(daily)),
        ("SalarioDiarioIntegrado", money(daily * Decimal("1.0452"))),
        ("ClaveEntFed", "JAL"),
    )
    percepciones = "".join(
        "<nomina12:Percepcion"
        + attrs(
            ("TipoPercepcion", kind),
            ("Clave", key),
            ("Concepto", concept),
            ("ImporteGravado", money(taxed)),
            ("ImporteExento", money(exempt)),
        )
        + "/>"
        for kind, key, concept, taxed, exempt in perceptions
    )
    deducciones = "".join(
        "<nomina12:Deduccion"
        + attrs(("TipoDeduccion", kind), ("Clave", key), ("Concepto", concept), ("Importe", money(amount)))
        + "/>"
        for kind, key, concept, amount in deductions
    )
    otros = "".join(
        "<nomina12:OtroPago"
        + attrs(("TipoOtroPago", kind), ("Clave", key), ("Concepto", concept), ("Importe", money(amount)))
        + "/>"
        for kind, key, concept, amount in other_payments
    )
    xml = (
        f"<nomina12:Nomina{head}>"
        f'<nomina12:Emisor RegistroPatronal="Y{draw(0, "registro", employer.rfc) % 10**9:09d}0"/>'
        f"<nomina12:Receptor{receptor}/>"
        f'<nomina12:Percepciones TotalSueldos="{money(total_perceptions)}" TotalGravado="{money(gravado)}"'
        f' TotalExento="{money(exento)}">{percepciones}</nomina12:Percepciones>'
        f'<nomina12:Deducciones TotalOtrasDeducciones="{money(total_deductions - isr)}"'
        f' TotalImpuestosRetenidos="{money(isr)}">{deducciones}</nomina12:Deducciones>'
        + (f"<nomina12:OtrosPagos>{otros}</nomina12:OtrosPagos>" if other_payments else "")
        + "</nomina12:Nomina>"
    )
    pay = total_perceptions + total_other
    line = Line(
        clave_prod_serv="84111505",
        no_identificacion=None,
        cantidad=Decimal(1),
        clave_unidad="ACT",
        unidad=None,
        descripcion="Pago de nómina",
        valor_unitario=pay,
        importe=pay,
        descuento=total_deductions,
        objeto_imp="01",
        taxes=(),
    )
    return Payroll(line=line, xml=xml)
