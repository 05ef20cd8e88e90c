"""One Retenciones document (1.0 or 2.0) read from its tree into rows of text, as written.

1.0 and 2.0 name the same things differently; each value is read under its 2.0 name first and its 1.0
name second, so a document that mixes them (some producers do) still reads whole. Typing happens later,
per batch, in `_collector.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from etl.parse._whitespace import collapse
from etl.parse._xml import DocumentRejectedError, raw_xml

__all__ = ["HEADER_FIELDS", "IMPUESTO_FIELDS", "RAW_FIELDS", "ParsedRetencion", "read_retencion"]

RET1 = "http://www.sat.gob.mx/esquemas/retencionpago/1"
RET2 = "http://www.sat.gob.mx/esquemas/retencionpago/2"
TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"

# Text columns of `retenciones` a document fills, in this order (the rest are added per batch).
HEADER_FIELDS = (
    "version",
    "folio_int",
    "fecha_exp",
    "fecha_exp_zona",
    "cve_retenc",
    "desc_retenc",
    "lugar_exp_retenc",
    "no_certificado",
    "rfc_emisor",
    "nombre_emisor",
    "curp_emisor",
    "regimen_fiscal_emisor",
    "nacionalidad_receptor",
    "rfc_receptor",
    "nombre_receptor",
    "curp_receptor",
    "domicilio_fiscal_receptor",
    "num_reg_id_trib_receptor",
    "mes_ini",
    "mes_fin",
    "ejercicio",
    "monto_tot_operacion",
    "monto_tot_grav",
    "monto_tot_exent",
    "monto_tot_ret",
    "utilidad_bimestral",
    "isr_correspondiente",
    "tipo_relacion",
    "uuid_relacionado",
    "fecha_timbrado",
    "version_timbre",
    "rfc_prov_certif",
    "no_certificado_sat",
)
IMPUESTO_FIELDS = (
    "numero",
    "base_ret",
    "impuesto",
    "monto_ret",
    "tipo_pago_ret",
    "pago_definitivo",
    "tipo_pago_ret_escrito",
)
RAW_FIELDS = ("numero", "ubicacion", "concepto_numero", "namespace", "elemento", "version", "xml")

# 1.0 wrote the tax as 01/02/03; 2.0's catalogue c_Impuesto uses 001/002/003.
_IMPUESTO_1_0 = {"01": "001", "02": "002", "03": "003"}
# c_TipoPagoRet (2.0): 01 definitive IVA, 02 definitive IEPS, 03 definitive ISR, 04 provisional ISR.
_DEFINITIVO = {"01": True, "02": True, "03": True, "04": False}
# 1.0 wrote text; with the tax it maps to a 2.0 code where one exists (provisional IVA has none).
_TIPO_PAGO_1_0 = {
    ("pago definitivo", "002"): "01",
    ("pago definitivo", "003"): "02",
    ("pago definitivo", "001"): "03",
    ("pago provisional", "001"): "04",
}
_TEXTO_DEFINITIVO = {"pago definitivo": True, "pago provisional": False}
_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_MODELLED = frozenset({"Emisor", "Receptor", "Periodo", "Totales", "CfdiRetenRelacionados"})


@dataclass(slots=True)
class ParsedRetencion:
    """A document's rows, with text values as written; `uuid` is the stamp's, lower case, or None."""

    uuid: str | None
    header: list[str | None]
    impuestos: list[tuple[Any, ...]] = field(default_factory=list)
    raw: list[tuple[Any, ...]] = field(default_factory=list)
    complementos: list[str] = field(default_factory=list)
    tiene_addenda: bool = False
    timbre_duplicado: bool = False
    fecha_exp_del_timbre: bool = False  # no FechaExp: the stamp's FechaTimbrado stands in for it
    espacios_colapsados: bool = False  # a code collapsed before its translation from 1.0


def read_retencion(root: etree._Element) -> ParsedRetencion:
    """Rows of one parsed document; DocumentRejectedError if it is not a Retenciones document."""
    tag = etree.QName(root)
    if tag.localname != "Retenciones" or tag.namespace not in (RET1, RET2):
        raise DocumentRejectedError(f"not a Retenciones document: its root is {tag.text}")
    ns = tag.namespace
    values: dict[str, str | None] = dict.fromkeys(HEADER_FIELDS)
    values["version"] = _get(root, "Version", "version")
    values["folio_int"] = _get(root, "FolioInt")
    fecha_exp = _get(root, "FechaExp")
    values["fecha_exp"] = fecha_exp
    zone = _ZONE.search(fecha_exp[19:]) if fecha_exp else None
    values["fecha_exp_zona"] = zone.group(1) if zone else None
    values["cve_retenc"] = _get(root, "CveRetenc")
    values["desc_retenc"] = _get(root, "DescRetenc")
    values["lugar_exp_retenc"] = _get(root, "LugarExpRetenc")
    values["no_certificado"] = _get(root, "NoCertificado", "NumCert")

    parsed = ParsedRetencion(uuid=None, header=[])
    for child in root:
        if not _is_element(child):
            continue
        child_tag = etree.QName(child)
        name = child_tag.localname
        if child_tag.namespace != ns or name not in (*_MODELLED, "Complemento", "Addenda"):
            parsed.raw.append(_raw(root, child))
        elif name == "Emisor":
            values["rfc_emisor"] = _get(child, "RfcE", "RFCEmisor")
            values["nombre_emisor"] = _get(child, "NomDenRazSocE")
            values["curp_emisor"] = _get(child, "CurpE", "CURPE")
            values["regimen_fiscal_emisor"] = _get(child, "RegimenFiscalE")
        elif name == "Receptor":
            _read_receptor(child, ns, values, parsed)
        elif name == "Periodo":
            values["mes_ini"] = _get(child, "MesIni")
            values["mes_fin"] = _get(child, "MesFin")
            values["ejercicio"] = _get(child, "Ejercicio", "Ejerc")
        elif name == "Totales":
            _read_totales(child, ns, values, parsed)
        elif name == "CfdiRetenRelacionados":
            values["tipo_relacion"] = _get(child, "TipoRelacion")
            values["uuid_relacionado"] = _get(child, "UUID")
        elif name == "Complemento":
            _read_complemento(child, values, parsed)
        else:
            parsed.tiene_addenda = True
            parsed.raw.extend(_raw(child, element) for element in child if _is_element(element))
    if not (values["fecha_exp"] or "").strip() and values["fecha_timbrado"]:
        # A stamped document without its own date still happened on a day: the PAC's, so it can be filed
        values["fecha_exp"] = values["fecha_timbrado"]
        parsed.fecha_exp_del_timbre = True
    parsed.header = [values[name] for name in HEADER_FIELDS]
    parsed.raw = [(number, *row[1:]) for number, row in enumerate(parsed.raw, start=1)]
    return parsed


def _read_receptor(
    receptor: etree._Element, ns: str, values: dict[str, str | None], parsed: ParsedRetencion
) -> None:
    values["nacionalidad_receptor"] = _get(receptor, "NacionalidadR", "Nacionalidad")
    for party in receptor:
        if not _is_element(party):
            continue
        tag = etree.QName(party)
        if tag.namespace == ns and tag.localname == "Nacional":
            values["rfc_receptor"] = _get(party, "RfcR", "RFCRecep")
            values["nombre_receptor"] = _get(party, "NomDenRazSocR")
            values["curp_receptor"] = _get(party, "CurpR", "CURPR")
            values["domicilio_fiscal_receptor"] = _get(party, "DomicilioFiscalR")
        elif tag.namespace == ns and tag.localname == "Extranjero":
            values["num_reg_id_trib_receptor"] = _get(party, "NumRegIdTribR", "NumRegIdTrib")
            values["nombre_receptor"] = _get(party, "NomDenRazSocR")
        else:
            parsed.raw.append(_raw(receptor, party))


def _read_totales(
    totales: etree._Element, ns: str, values: dict[str, str | None], parsed: ParsedRetencion
) -> None:
    values["monto_tot_operacion"] = _get(totales, "MontoTotOperacion", "montoTotOperacion")
    values["monto_tot_grav"] = _get(totales, "MontoTotGrav", "montoTotGrav")
    values["monto_tot_exent"] = _get(totales, "MontoTotExent", "montoTotExent")
    values["monto_tot_ret"] = _get(totales, "MontoTotRet", "montoTotRet")
    values["utilidad_bimestral"] = _get(totales, "UtilidadBimestral")
    values["isr_correspondiente"] = _get(totales, "ISRCorrespondiente")
    for line in totales:
        if not _is_element(line):
            continue
        tag = etree.QName(line)
        if tag.namespace != ns or tag.localname != "ImpRetenidos":
            parsed.raw.append(_raw(totales, line))
            continue
        # 1.0's codes are translated as the XSD reads them, padding collapsed (and recorded) first
        written_impuesto = _get(line, "ImpuestoRet", "Impuesto")
        impuesto = _token(written_impuesto, parsed)
        impuesto = _IMPUESTO_1_0.get(impuesto or "", impuesto)
        written = _get(line, "TipoPagoRet")
        code, definitivo = _tipo_pago(_token(written, parsed), impuesto)
        parsed.impuestos.append(
            (
                len(parsed.impuestos) + 1,
                _get(line, "BaseRet"),
                impuesto,
                _get(line, "MontoRet", "montoRet"),
                code,
                definitivo,
                written,
            )
        )


def _token(written: str | None, parsed: ParsedRetencion) -> str | None:
    if written is None:
        return None
    value = collapse(written)
    if value != written:
        parsed.espacios_colapsados = True
    return value


def _tipo_pago(written: str | None, impuesto: str | None) -> tuple[str | None, bool | None]:
    if written is None:
        return None, None
    if written in _DEFINITIVO:
        return written, _DEFINITIVO[written]
    text = " ".join(written.lower().split())
    if text in _TEXTO_DEFINITIVO:
        return _TIPO_PAGO_1_0.get((text, impuesto or "")), _TEXTO_DEFINITIVO[text]
    raise DocumentRejectedError(
        f"TipoPagoRet {written!r} is neither a 2.0 code (01-04) "
        "nor 1.0's 'Pago definitivo' / 'Pago provisional'"
    )


def _read_complemento(
    complemento: etree._Element, values: dict[str, str | None], parsed: ParsedRetencion
) -> None:
    for element in complemento:
        if not _is_element(element):
            continue
        tag = etree.QName(element)
        parsed.complementos.append(tag.localname)
        if tag.namespace != TFD or tag.localname != "TimbreFiscalDigital":
            parsed.raw.append(_raw(complemento, element))
            continue
        uuid = (element.get("UUID") or "").strip().lower() or None
        if parsed.uuid is not None:
            if uuid != parsed.uuid:
                raise DocumentRejectedError(f"two stamps with different UUIDs ({parsed.uuid}, {uuid})")
            parsed.timbre_duplicado = True
            continue
        parsed.uuid = uuid
        values["fecha_timbrado"] = _get(element, "FechaTimbrado")
        values["version_timbre"] = _get(element, "Version", "version")
        values["rfc_prov_certif"] = _get(element, "RfcProvCertif")
        values["no_certificado_sat"] = _get(element, "NoCertificadoSAT", "noCertificadoSAT")


def _is_element(node: etree._Element) -> bool:
    # Entity references left unresolved (on purpose) sit among the children with a non-string tag.
    tag: object = node.tag
    return isinstance(tag, str)


def _get(element: etree._Element, *names: str) -> str | None:
    for name in names:
        value = element.get(name)
        if value is not None:
            return value
    return None


def _raw(parent: etree._Element, element: etree._Element) -> tuple[Any, ...]:
    """A complementos_raw row; its number is set once the document is read."""
    tag = etree.QName(element)
    version = element.get("Version") or element.get("version")
    return (0, etree.QName(parent).localname, None, tag.namespace, tag.localname, version, raw_xml(element))
