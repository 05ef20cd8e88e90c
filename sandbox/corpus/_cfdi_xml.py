"""CFDI 4.0 and 3.3 as text, in the element and attribute order SAT's own files use.

3.3 differs in what it leaves out: no `Exportacion`, no `ObjetoImp`, no receiver address or regime, no
`Base` on the document-level transferred taxes (and no exempt row there), one related-documents group."""

from __future__ import annotations

from decimal import Decimal

from ._invoice import Comprobante, Line, Totals
from ._money import money, rate
from ._parties import certificate_for, seal
from ._xml import XSI, attrs, esc

__all__ = ["render_cfdi"]

_CFDI = {"4.0": "http://www.sat.gob.mx/cfd/4", "3.3": "http://www.sat.gob.mx/cfd/3"}
_XSD = {
    "4.0": "http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd",
    "3.3": "http://www.sat.gob.mx/sitio_internet/cfd/3/cfdv33.xsd",
}
_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
_TFD_XSD = "http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"
_IMPLOCAL = "http://www.sat.gob.mx/implocal"
_IMPLOCAL_XSD = "http://www.sat.gob.mx/sitio_internet/cfd/implocal/implocal.xsd"


def _money_or_zero(value: Decimal | None) -> str:
    return "0.00" if value is None else money(value)


def _rate_or_zero(value: Decimal | None) -> str:
    return "0.000000" if value is None else rate(value)


def _line(line: Line, v4: bool) -> str:
    # The hot path of the corpus: only free text is escaped, codes and numbers never need it.
    head = (
        f' ClaveProdServ="{line.clave_prod_serv}"'
        + ("" if line.no_identificacion is None else f' NoIdentificacion="{esc(line.no_identificacion)}"')
        + f' Cantidad="{line.cantidad}" ClaveUnidad="{line.clave_unidad}"'
        + ("" if line.unidad is None else f' Unidad="{esc(line.unidad)}"')
        + f' Descripcion="{esc(line.descripcion)}" ValorUnitario="{money(line.valor_unitario)}"'
        + f' Importe="{money(line.importe)}"'
        + (f' Descuento="{money(line.descuento)}"' if line.descuento else "")
        + (f' ObjetoImp="{line.objeto_imp}"' if v4 else "")
    )
    parts = []
    transferred = [t for t in line.taxes if not t.withheld]
    withheld = [t for t in line.taxes if t.withheld]
    if line.taxes:
        parts.append("<cfdi:Impuestos>")
        if transferred:
            parts.append("<cfdi:Traslados>")
            parts.extend(
                f'<cfdi:Traslado Base="{money(t.base)}" Impuesto="{t.impuesto}" TipoFactor="{t.factor}"'
                + (
                    "/>"
                    if t.rate is None
                    else f' TasaOCuota="{rate(t.rate)}" Importe="{_money_or_zero(t.amount)}"/>'
                )
                for t in transferred
            )
            parts.append("</cfdi:Traslados>")
        if withheld:
            parts.append("<cfdi:Retenciones>")
            parts.extend(
                f'<cfdi:Retencion Base="{money(t.base)}" Impuesto="{t.impuesto}" TipoFactor="{t.factor}"'
                f' TasaOCuota="{_rate_or_zero(t.rate)}" Importe="{_money_or_zero(t.amount)}"/>'
                for t in withheld
            )
            parts.append("</cfdi:Retenciones>")
        parts.append("</cfdi:Impuestos>")
    third = line.third_party
    if third is not None and v4:
        parts.append(
            "<cfdi:ACuentaTerceros"
            + attrs(
                ("RfcACuentaTerceros", third.rfc),
                ("NombreACuentaTerceros", third.name),
                ("RegimenFiscalACuentaTerceros", third.regime),
                ("DomicilioFiscalACuentaTerceros", third.postal_code),
            )
            + "/>"
        )
    if not parts:
        return f"<cfdi:Concepto{head}/>"
    return f"<cfdi:Concepto{head}>{''.join(parts)}</cfdi:Concepto>"


def _taxes(totals: Totals, v4: bool) -> str:
    transferred = [row for row in totals.transferred if v4 or row[4] is not None]
    if not transferred and not totals.withheld:
        return ""
    head = attrs(
        ("TotalImpuestosRetenidos", None if totals.total_withheld is None else money(totals.total_withheld)),
        (
            "TotalImpuestosTrasladados",
            None if totals.total_transferred is None else money(totals.total_transferred),
        ),
    )
    parts = [f"<cfdi:Impuestos{head}>"]
    if totals.withheld:
        parts.append("<cfdi:Retenciones>")
        parts.extend(
            f'<cfdi:Retencion Impuesto="{imp}" Importe="{money(amount)}"/>' for imp, amount in totals.withheld
        )
        parts.append("</cfdi:Retenciones>")
    if transferred:
        parts.append("<cfdi:Traslados>")
        for imp, factor, tasa, base, amount in transferred:
            base_attr = f' Base="{money(base)}"' if v4 else ""
            tail = "" if tasa is None else f' TasaOCuota="{rate(tasa)}" Importe="{_money_or_zero(amount)}"'
            parts.append(f'<cfdi:Traslado{base_attr} Impuesto="{imp}" TipoFactor="{factor}"{tail}/>')
        parts.append("</cfdi:Traslados>")
    parts.append("</cfdi:Impuestos>")
    return "".join(parts)


def _local_taxes(c: Comprobante) -> str:
    if not c.local_taxes:
        return ""
    t = c.totals
    rows = "".join(
        (
            f'<implocal:RetencionesLocales ImpLocRetenido="{esc(tax.name)}"'
            f' TasadeRetencion="{money(tax.percent)}" Importe="{money(tax.amount)}"/>'
        )
        if tax.withheld
        else (
            f'<implocal:TrasladosLocales ImpLocTrasladado="{esc(tax.name)}"'
            f' TasadeTraslado="{money(tax.percent)}" Importe="{money(tax.amount)}"/>'
        )
        for tax in c.local_taxes
    )
    return (
        f'<implocal:ImpuestosLocales xmlns:implocal="{_IMPLOCAL}" version="1.0"'
        f' TotaldeRetenciones="{money(t.local_withheld)}" TotaldeTraslados="{money(t.local_transferred)}">'
        f"{rows}</implocal:ImpuestosLocales>"
    )


def render_cfdi(c: Comprobante) -> bytes:
    v4 = c.version == "4.0"
    t = c.totals
    namespace = _CFDI[c.version]
    locations = [f"{namespace} {_XSD[c.version]}"]
    declarations = [f'xmlns:cfdi="{namespace}"', f'xmlns:xsi="{XSI}"']
    for prefix, uri, xsd in c.complement_namespaces:
        declarations.append(f'xmlns:{prefix}="{uri}"')
        locations.append(f"{uri} {xsd}")
    if c.local_taxes:
        locations.append(f"{_IMPLOCAL} {_IMPLOCAL_XSD}")
    certificate_number, certificate = certificate_for(c.issuer.rfc)
    sello = seal(c.uuid, "cfd")
    zero_total = c.tipo in ("P", "T")
    root = attrs(
        ("xsi:schemaLocation", " ".join(locations)),
        ("Version", c.version),
        ("Serie", c.serie),
        ("Folio", c.folio),
        ("Fecha", c.fecha.isoformat()),
        ("Sello", sello),
        ("FormaPago", c.forma_pago),
        ("NoCertificado", certificate_number),
        ("Certificado", certificate),
        ("SubTotal", "0" if zero_total else money(t.subtotal)),
        ("Descuento", money(t.descuento) if t.descuento else None),
        ("Moneda", c.moneda),
        ("TipoCambio", None if c.tipo_cambio is None else str(c.tipo_cambio)),
        ("Total", "0" if zero_total else money(t.total)),
        ("TipoDeComprobante", c.tipo),
        ("Exportacion", "01" if v4 else None),
        ("MetodoPago", c.metodo_pago),
        ("LugarExpedicion", c.issuer.postal_code),
    )
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante {" ".join(declarations)}{root}>\n']
    if c.global_info is not None and v4:
        periodicidad, meses, year = c.global_info
        parts.append(
            f'<cfdi:InformacionGlobal Periodicidad="{periodicidad}" Meses="{meses}" Año="{year}"/>\n'
        )
    for relation, uuids in c.related if v4 else c.related[:1]:
        members = "".join(f'<cfdi:CfdiRelacionado UUID="{uuid}"/>' for uuid in uuids)
        parts.append(f'<cfdi:CfdiRelacionados TipoRelacion="{relation}">{members}</cfdi:CfdiRelacionados>\n')
    parts.append(
        "<cfdi:Emisor"
        + attrs(("Rfc", c.issuer.rfc), ("Nombre", c.issuer.name), ("RegimenFiscal", c.issuer.regime))
        + "/>\n<cfdi:Receptor"
        + attrs(
            ("Rfc", c.receiver.rfc),
            ("Nombre", c.receiver.name),
            ("DomicilioFiscalReceptor", c.receiver.postal_code if v4 else None),
            ("RegimenFiscalReceptor", c.receiver.regime if v4 else None),
            ("UsoCFDI", c.uso_cfdi),
        )
        + "/>\n<cfdi:Conceptos>\n"
    )
    parts.extend(_line(line, v4) + "\n" for line in c.lines)
    parts.append("</cfdi:Conceptos>\n")
    parts.append(_taxes(t, v4) + "\n" if t.transferred or t.withheld else "")
    uuid = c.uuid.lower() if c.lower_case_uuid else c.uuid
    parts.append(
        f"<cfdi:Complemento>{_local_taxes(c)}{c.complement_xml}"
        f'<tfd:TimbreFiscalDigital xmlns:tfd="{_TFD}" xsi:schemaLocation="{_TFD} {_TFD_XSD}" Version="1.1"'
        f' UUID="{uuid}" FechaTimbrado="{c.stamped.isoformat()}" RfcProvCertif="{c.pac}" SelloCFD="{sello}"'
        f' NoCertificadoSAT="00001000000504465028" SelloSAT="{seal(c.uuid, "sat")}"/>'
        "</cfdi:Complemento>\n</cfdi:Comprobante>\n"
    )
    return "".join(parts).encode()
