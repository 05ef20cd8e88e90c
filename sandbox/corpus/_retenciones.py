"""Retenciones e información de pagos 2.0: a withholding certificate with its TimbreFiscalDigital."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from ._money import ZERO, cents, money
from ._parties import certificate_for, seal
from ._plan import FOREIGN_RETENTION, RETENTION_KINDS, Header
from ._xml import XSI, attrs

__all__ = ["Retencion", "make_retencion", "render_retencion"]

_NS = "http://www.sat.gob.mx/esquemas/retencionpago/2"
_XSD = "http://www.sat.gob.mx/esquemas/retencionpago/2/retencionpagov2.xsd"
_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
_TFD_XSD = "http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"

# CveRetenc -> (description when the code needs one, [(impuesto, rate, TipoPagoRet)], foreign receiver)
_KINDS: tuple[tuple[str, str | None, tuple[tuple[str, Decimal, str], ...], bool], ...] = (
    ("01", None, (("001", Decimal("0.10"), "03"), ("002", Decimal("0.106667"), "01")), False),
    ("05", None, (("001", Decimal("0.10"), "03"), ("002", Decimal("0.106667"), "01")), False),
    ("16", None, (("001", Decimal("0.0015"), "03"),), False),
    ("18", None, (("001", Decimal("0.25"), "03"),), True),  # FOREIGN_RETENTION
    ("25", 'Retención por comisiones & "otros" servicios', (("001", Decimal("0.01"), "03"),), False),
)

assert len(_KINDS) == RETENTION_KINDS
assert _KINDS[FOREIGN_RETENTION][3]


@dataclass(frozen=True, slots=True)
class Retencion:
    header: Header
    cve: str
    description: str | None
    foreign: bool
    operation: Decimal
    taxed: Decimal
    exempt: Decimal
    withheld: tuple[tuple[Decimal, str, Decimal, str], ...]  # base, impuesto, amount, TipoPagoRet
    lower_case_uuid: bool
    pac: str

    @property
    def total_withheld(self) -> Decimal:
        return sum((row[2] for row in self.withheld), ZERO)


def make_retencion(header: Header, r: random.Random) -> Retencion:
    cve, description, rules, foreign = _KINDS[header.retention_kind]
    operation = Decimal(int(10 ** r.uniform(5.0, 7.5))) / 100
    exempt = cents(operation * Decimal(r.choice((0, 0, 0, 10, 25))) / 100)
    taxed = operation - exempt
    rows = []
    for impuesto, tax_rate, tipo_pago in rules:
        base = cents(taxed * Decimal("0.16")) if impuesto == "002" else taxed
        rows.append((base, impuesto, cents(base * tax_rate), tipo_pago))
    return Retencion(
        header=header,
        cve=cve,
        description=description,
        foreign=foreign,
        operation=operation,
        taxed=taxed,
        exempt=exempt,
        withheld=tuple(rows),
        lower_case_uuid=header.bits % 3 != 0,
        pac=header.pac,
    )


def render_retencion(ret: Retencion) -> bytes:
    h = ret.header
    number, certificate = certificate_for(h.issuer.rfc)
    sello = seal(h.uuid, "ret")
    root = attrs(
        ("xsi:schemaLocation", f"{_NS} {_XSD}"),
        ("Version", "2.0"),
        ("FolioInt", f"R{h.key.month.ordinal % 1000:03d}{h.key.index:06d}"),
        ("FechaExp", h.fecha.isoformat()),
        ("CveRetenc", ret.cve),
        ("DescRetenc", ret.description),
        ("LugarExpRetenc", h.issuer.postal_code),
        ("NoCertificado", number),
        ("Certificado", certificate),
        ("Sello", sello),
    )
    if ret.foreign:
        receptor = (
            '<retenciones:Receptor NacionalidadR="Extranjero"><retenciones:Extranjero'
            + attrs(("NumRegIdTribR", f"{h.bits % 10**9:09d}"), ("NomDenRazSocR", h.receiver.name))
            + "/></retenciones:Receptor>"
        )
    else:
        receptor = (
            '<retenciones:Receptor NacionalidadR="Nacional"><retenciones:Nacional'
            + attrs(
                ("RfcR", h.receiver.rfc),
                ("NomDenRazSocR", h.receiver.name),
                ("DomicilioFiscalR", h.receiver.postal_code),
            )
            + "/></retenciones:Receptor>"
        )
    withheld = "".join(
        f'<retenciones:ImpRetenidos BaseRet="{money(base)}" ImpuestoRet="{imp}" MontoRet="{money(amount)}"'
        f' TipoPagoRet="{tipo}"/>'
        for base, imp, amount, tipo in ret.withheld
    )
    month = h.key.month
    uuid = h.uuid.lower() if ret.lower_case_uuid else h.uuid
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<retenciones:Retenciones xmlns:retenciones="{_NS}"'
        f' xmlns:xsi="{XSI}"{root}>\n'
        "<retenciones:Emisor"
        + attrs(("RfcE", h.issuer.rfc), ("NomDenRazSocE", h.issuer.name), ("RegimenFiscalE", h.issuer.regime))
        + f"/>\n{receptor}\n"
        f'<retenciones:Periodo MesIni="{month.number:02d}" MesFin="{month.number:02d}"'
        f' Ejercicio="{month.year}"/>\n'
        f'<retenciones:Totales MontoTotOperacion="{money(ret.operation)}" MontoTotGrav="{money(ret.taxed)}"'
        f' MontoTotExent="{money(ret.exempt)}" MontoTotRet="{money(ret.total_withheld)}">{withheld}'
        "</retenciones:Totales>\n<retenciones:Complemento>"
        f'<tfd:TimbreFiscalDigital xmlns:tfd="{_TFD}" xsi:schemaLocation="{_TFD} {_TFD_XSD}" Version="1.1"'
        f' UUID="{uuid}" FechaTimbrado="{h.stamped.isoformat()}" RfcProvCertif="{ret.pac}" SelloCFD="{sello}"'
        f' NoCertificadoSAT="00001000000504465028" SelloSAT="{seal(h.uuid, "sat")}"/>'
        "</retenciones:Complemento>\n</retenciones:Retenciones>\n"
    )
    return text.encode()
