"""The CFDI parser proper: lxml start/end events dispatched on the Clark tag straight into row buffers.

It runs as an lxml parser target (no tree is built: the fast path) or is fed the events of an already
repaired tree (`feed_tree`). Each handler reads the attributes it needs in one `map(attrib.get, KEYS)`;
versions differ only in which KEYS they use. An element no handler knows marks the document as carrying
raw content, which `_raw.py` extracts from a tree afterwards, and its subtree is skipped here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from etl._xml import DocumentRejectedError
from etl.cfdi._rows import COMPROBANTE_FIELDS, Rows
from etl.cfdi._tags import CFD3, CFD4, IMPLOCAL, NOMINA11, NOMINA12, PAGOS10, PAGOS20, TFD

__all__ = ["KNOWN_TAGS", "RAW_CHILDREN", "CfdiEvents", "NeedsTreeError"]

Attrib = Mapping[str, str]

_X = "cfdi-etl-ausente"  # an attribute name no document uses: map(attrib.get, KEYS) yields None there

_HEADER_KEYS = (
    "Version",
    "TipoDeComprobante",
    "Serie",
    "Folio",
    "Fecha",
    "FormaPago",
    "MetodoPago",
    _X,
    _X,
    "CondicionesDePago",
    "Moneda",
    "TipoCambio",
    "SubTotal",
    "Descuento",
    "Total",
    "Exportacion",
    "LugarExpedicion",
    "NoCertificado",
)
_HEADER_KEYS_32 = (
    "version",
    "tipoDeComprobante",
    "serie",
    "folio",
    "fecha",
    _X,
    _X,
    "formaDePago",
    "metodoDePago",
    "condicionesDePago",
    "Moneda",
    "TipoCambio",
    "subTotal",
    "descuento",
    "total",
    _X,
    "LugarExpedicion",
    "noCertificado",
)
_F = {name: i for i, name in enumerate(COMPROBANTE_FIELDS)}
_TAX_TOTALS = _F["total_impuestos_trasladados"]
_LOCAL_TOTALS = _F["total_traslados_locales"]
_EMISOR = _F["rfc_emisor"]
_REGIMEN = _F["regimen_fiscal_emisor"]
_RECEPTOR = _F["rfc_receptor"]
_GLOBAL = _F["informacion_global_periodicidad"]
_STAMP = _F["fecha_timbrado"]
_TIPO = _F["tipo_de_comprobante"]

_EMISOR_KEYS = ("Rfc", "Nombre", "RegimenFiscal")
_EMISOR_KEYS_32 = ("rfc", "nombre", _X)
_RECEPTOR_KEYS = (
    "Rfc",
    "Nombre",
    "UsoCFDI",
    "DomicilioFiscalReceptor",
    "RegimenFiscalReceptor",
    "ResidenciaFiscal",
    "NumRegIdTrib",
)
_RECEPTOR_KEYS_32 = ("rfc", "nombre", _X, _X, _X, _X, _X)
_CONCEPTO_KEYS = (
    "ClaveProdServ",
    "NoIdentificacion",
    "Cantidad",
    "ClaveUnidad",
    "Unidad",
    "Descripcion",
    "ValorUnitario",
    "Importe",
    "Descuento",
    "ObjetoImp",
)
_CONCEPTO_KEYS_32 = (
    _X,
    "noIdentificacion",
    "cantidad",
    _X,
    "unidad",
    "descripcion",
    "valorUnitario",
    "importe",
    _X,
    _X,
)
_TAX_KEYS = ("Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe")
_TAX_KEYS_32 = (_X, "impuesto", _X, "tasa", "importe")
_TAX_NAMES_32 = {"ISR": "001", "IVA": "002", "IEPS": "003"}
_TIPOS_32 = {"ingreso": "I", "egreso": "E", "traslado": "T"}
_PAGO_KEYS = (
    "FechaPago",
    "FormaDePagoP",
    "MonedaP",
    "TipoCambioP",
    "Monto",
    "NumOperacion",
    "RfcEmisorCtaOrd",
    "NomBancoOrdExt",
    "CtaOrdenante",
    "RfcEmisorCtaBen",
    "CtaBeneficiario",
    "TipoCadPago",
)
_TOTALES_KEYS = (
    "MontoTotalPagos",
    "TotalRetencionesIVA",
    "TotalRetencionesISR",
    "TotalRetencionesIEPS",
    "TotalTrasladosBaseIVA16",
    "TotalTrasladosImpuestoIVA16",
    "TotalTrasladosBaseIVA8",
    "TotalTrasladosImpuestoIVA8",
    "TotalTrasladosBaseIVA0",
    "TotalTrasladosImpuestoIVA0",
    "TotalTrasladosBaseIVAExento",
)
_DOCTO_KEYS_20 = (
    "IdDocumento",
    "Serie",
    "Folio",
    "MonedaDR",
    "EquivalenciaDR",
    _X,
    "NumParcialidad",
    "ImpSaldoAnt",
    "ImpPagado",
    "ImpSaldoInsoluto",
    "ObjetoImpDR",
)
# Pagos 1.0's TipoCambioDR means what 2.0's EquivalenciaDR means: DR currency units per payment unit.
_DOCTO_KEYS_10 = (
    "IdDocumento",
    "Serie",
    "Folio",
    "MonedaDR",
    "TipoCambioDR",
    "MetodoDePagoDR",
    "NumParcialidad",
    "ImpSaldoAnt",
    "ImpPagado",
    "ImpSaldoInsoluto",
    _X,
)
_TAX_DR_KEYS = ("BaseDR", "ImpuestoDR", "TipoFactorDR", "TasaOCuotaDR", "ImporteDR")
_TAX_P_KEYS = ("BaseP", "ImpuestoP", "TipoFactorP", "TasaOCuotaP", "ImporteP")
_NOMINA_KEYS = (
    "Version",
    "TipoNomina",
    "FechaPago",
    "FechaInicialPago",
    "FechaFinalPago",
    "NumDiasPagados",
    "TotalPercepciones",
    "TotalDeducciones",
    "TotalOtrosPagos",
)
_NOMINA_RECEPTOR_KEYS = (
    "Curp",
    "NumSeguridadSocial",
    "NumEmpleado",
    "Departamento",
    "Puesto",
    "TipoContrato",
    "TipoJornada",
    "TipoRegimen",
    "PeriodicidadPago",
    "RiesgoPuesto",
    "FechaInicioRelLaboral",
    "Antigüedad",
    "Sindicalizado",
    "Banco",
    "CuentaBancaria",
    "SalarioBaseCotApor",
    "SalarioDiarioIntegrado",
    "ClaveEntFed",
)
# Nómina 1.1 keeps the employee on the Nomina element itself, with its own spellings.
_NOMINA11_KEYS = (
    "Version",
    _X,
    "FechaPago",
    "FechaInicialPago",
    "FechaFinalPago",
    "NumDiasPagados",
    _X,
    _X,
    _X,
)
_NOMINA11_RECEPTOR_KEYS = (
    "CURP",
    "NumSeguridadSocial",
    "NumEmpleado",
    "Departamento",
    "Puesto",
    "TipoContrato",
    "TipoJornada",
    "TipoRegimen",
    "PeriodicidadPago",
    "RiesgoPuesto",
    "FechaInicioRelLaboral",
    "Antiguedad",
    _X,
    "Banco",
    "CLABE",
    "SalarioBaseCotApor",
    "SalarioDiarioIntegrado",
    _X,
)
_N_TOTAL_SUELDOS = 11
_N_TOTAL_OTRAS_DEDUCCIONES = 14
_N_REGISTRO = 16
_N_RECEPTOR = 17
_PERCEPCION_KEYS = ("TipoPercepcion", "Clave", "Concepto", "ImporteGravado", "ImporteExento", _X, _X, _X)
_DEDUCCION_KEYS = ("TipoDeduccion", "Clave", "Concepto", _X, _X, "Importe", _X, _X)
_OTRO_PAGO_KEYS = ("TipoOtroPago", "Clave", "Concepto", _X, _X, "Importe", _X, _X)
_INCAPACIDAD_KEYS = ("TipoIncapacidad", _X, _X, _X, _X, "ImporteMonetario", _X, "DiasIncapacidad")
_L_SUBSIDIO = 10
_C_ACUENTA = 12
_C_PEDIMENTOS = 14
_C_PREDIALES = 15


_CFD = (CFD4, CFD3)
_PAGOS = (PAGOS20, PAGOS10)
# (namespaces, local name, handler): the parser's whole vocabulary; anything else is kept raw.
_DISPATCH: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (_CFD, "Comprobante", "_comprobante"),
    (_CFD, "InformacionGlobal", "_informacion_global"),
    (_CFD, "CfdiRelacionados", "_cfdi_relacionados"),
    (_CFD, "CfdiRelacionado", "_cfdi_relacionado"),
    (_CFD, "Emisor", "_emisor"),
    (_CFD, "RegimenFiscal", "_regimen_fiscal_32"),
    (_CFD, "Receptor", "_receptor"),
    (_CFD, "Conceptos", "_nothing"),
    (_CFD, "Concepto", "_concepto"),
    (_CFD, "ACuentaTerceros", "_a_cuenta_terceros"),
    (_CFD, "InformacionAduanera", "_informacion_aduanera"),
    (_CFD, "CuentaPredial", "_cuenta_predial"),
    (_CFD, "ComplementoConcepto", "_raw_children"),
    (_CFD, "Impuestos", "_impuestos"),
    (_CFD, "Traslados", "_nothing"),
    (_CFD, "Retenciones", "_nothing"),
    (_CFD, "Traslado", "_traslado"),
    (_CFD, "Retencion", "_retencion"),
    (_CFD, "Complemento", "_complemento"),
    (_CFD, "Addenda", "_addenda"),
    ((TFD,), "TimbreFiscalDigital", "_timbre"),
    ((IMPLOCAL,), "ImpuestosLocales", "_impuestos_locales"),
    ((IMPLOCAL,), "TrasladosLocales", "_traslado_local"),
    ((IMPLOCAL,), "RetencionesLocales", "_retencion_local"),
    (_PAGOS, "Pagos", "_pagos"),
    (_PAGOS, "Pago", "_pago"),
    (_PAGOS, "DoctoRelacionado", "_docto_relacionado"),
    ((PAGOS20,), "Totales", "_pagos_totales"),
    ((PAGOS20,), "ImpuestosDR", "_nothing"),
    ((PAGOS20,), "TrasladosDR", "_nothing"),
    ((PAGOS20,), "RetencionesDR", "_nothing"),
    ((PAGOS20,), "TrasladoDR", "_traslado_dr"),
    ((PAGOS20,), "RetencionDR", "_retencion_dr"),
    ((PAGOS20,), "ImpuestosP", "_impuestos_p"),
    ((PAGOS20,), "TrasladosP", "_nothing"),
    ((PAGOS20,), "RetencionesP", "_nothing"),
    ((PAGOS20,), "TrasladoP", "_traslado_p"),
    ((PAGOS20,), "RetencionP", "_retencion_p"),
    ((PAGOS10,), "Impuestos", "_impuestos_p"),
    ((PAGOS10,), "Traslados", "_nothing"),
    ((PAGOS10,), "Retenciones", "_nothing"),
    ((PAGOS10,), "Traslado", "_traslado_p"),
    ((PAGOS10,), "Retencion", "_retencion_p"),
    ((NOMINA12,), "Nomina", "_nomina"),
    ((NOMINA12,), "Emisor", "_nomina_emisor"),
    ((NOMINA12,), "Receptor", "_nomina_receptor"),
    ((NOMINA12,), "Percepciones", "_percepciones"),
    ((NOMINA12,), "Percepcion", "_percepcion"),
    ((NOMINA12,), "Deducciones", "_deducciones"),
    ((NOMINA12,), "Deduccion", "_deduccion"),
    ((NOMINA12,), "OtrosPagos", "_nothing"),
    ((NOMINA12,), "OtroPago", "_otro_pago"),
    ((NOMINA12,), "SubsidioAlEmpleo", "_subsidio"),
    ((NOMINA12,), "Incapacidades", "_nothing"),
    ((NOMINA12,), "Incapacidad", "_incapacidad"),
    ((NOMINA11,), "Nomina", "_nomina11"),
)


class NeedsTreeError(Exception):
    """The fast path met an element with no namespace: an undeclared prefix. Repair and parse as a tree."""


def _percent_to_fraction(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(Decimal(value.strip()) / 100)
    except InvalidOperation:
        return value  # left as written: the typed cast refuses it and says which value was wrong


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


class CfdiEvents:
    """Receives one document's start/end events and writes its rows. Reused across documents of a batch."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.handlers: dict[str, Callable[[Attrib], None]] = self._handlers()
        self.fast = True
        self._reset(0)

    def _reset(self, doc: int) -> None:
        self.doc = doc
        self.depth = 0
        self.skip_depth = 0  # inside a raw subtree: events below this depth are not ours
        self.raw_child_depth = -1  # children at this depth are raw whatever they are (Addenda…)
        self.in_complemento = False
        self.needs_raw = False
        self.v32 = False
        self.header: list[Any] = []
        self.concepto: list[Any] | None = None
        self.conceptos = 0
        self.tax_nivel = "comprobante"
        self.tax_concepto: int | None = None
        self.taxes = 0
        self.grupo = 0
        self.tipo_relacion: str | None = None
        self.relacionados = 0
        self.locales = 0
        self.pagos_version: str | None = None
        self.pagos_tax_keys = _TAX_KEYS
        self.pago = 0
        self.doctos = 0
        self.docto: int | None = None
        self.pago_taxes = 0
        self.pagos_totales = False
        self.nomina: list[Any] | None = None
        self.nominas = 0
        self.nomina_lineas = 0
        self.otro_pago: list[Any] | None = None
        self.uuid: str | None = None
        self.timbre_duplicado = False
        self.complementos: list[str] = []
        self.tiene_addenda = False

    def begin(self, doc: int, *, fast: bool) -> None:
        self.fast = fast
        self._reset(doc)

    # lxml target protocol -------------------------------------------------------------------------

    def start(self, tag: str, attrib: Attrib) -> None:
        self.depth += 1
        if self.skip_depth:
            return
        if self.in_complemento and self.depth == 3:
            self.complementos.append(tag[tag.find("}") + 1 :])
        handler = self.handlers.get(tag)
        if handler is None or self.depth == self.raw_child_depth:
            self._unknown(tag)
        else:
            handler(attrib)

    def end(self, tag: str) -> None:
        depth = self.depth
        if depth == self.skip_depth:
            self.skip_depth = 0
        elif depth == 2:
            self.in_complemento = False
            self.raw_child_depth = -1
        elif depth == self.raw_child_depth - 1:
            self.raw_child_depth = -1
        self.depth = depth - 1

    def close(self) -> None:
        """Nothing to do: lxml calls this even after a handler raised, and must not hide that error."""

    # ------------------------------------------------------------------------------------------------

    def feed_tree(self, root: etree._Element) -> None:
        """Send the events of an already parsed (and repaired) tree, as the parser would have."""
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag: object = element.tag
            if not isinstance(tag, str):
                continue  # entity references and the like carry no data
            if event == "start":
                self.start(tag, element.attrib)
            else:
                self.end(tag)

    def _unknown(self, tag: str) -> None:
        if self.fast and not tag.startswith("{"):
            raise NeedsTreeError(tag)
        if self.depth == 1:
            raise DocumentRejectedError(
                f"not a CFDI: the root element is {tag}, expected Comprobante in {CFD4} or {CFD3}"
            )
        self.needs_raw = True
        self.skip_depth = self.depth

    def _handlers(self) -> dict[str, Callable[[Attrib], None]]:
        return {
            f"{{{namespace}}}{local}": getattr(self, method)
            for namespaces, local, method in _DISPATCH
            for namespace in namespaces
        }

    # header --------------------------------------------------------------------------------------

    def _nothing(self, a: Attrib) -> None:
        """A container: what matters is inside it."""

    def _raw_children(self, a: Attrib) -> None:
        self.raw_child_depth = self.depth + 1

    def _comprobante(self, a: Attrib) -> None:
        if self.depth != 1:
            raise DocumentRejectedError("a Comprobante element inside another: not a CFDI as SAT stamps them")
        version = a.get("Version") or a.get("version")
        if version in ("4.0", "3.3"):
            header = list(map(a.get, _HEADER_KEYS))
        elif version in ("3.2", "3.0"):
            self.v32 = True
            header = list(map(a.get, _HEADER_KEYS_32))
            tipo = header[_TIPO]
            header[_TIPO] = _TIPOS_32.get(tipo, tipo) if tipo is not None else None
        else:
            raise DocumentRejectedError(
                f"unsupported CFDI version {version!r}: expected 4.0, 3.3, 3.2 or 3.0"
            )
        header.extend([None] * (len(COMPROBANTE_FIELDS) - len(header)))
        self.header = header

    def _informacion_global(self, a: Attrib) -> None:
        self.header[_GLOBAL : _GLOBAL + 3] = (a.get("Periodicidad"), a.get("Meses"), a.get("Año"))

    def _emisor(self, a: Attrib) -> None:
        self.header[_EMISOR : _EMISOR + 3] = map(a.get, _EMISOR_KEYS_32 if self.v32 else _EMISOR_KEYS)

    def _regimen_fiscal_32(self, a: Attrib) -> None:
        regimen = a.get("Regimen")
        previous = self.header[_REGIMEN]
        self.header[_REGIMEN] = regimen if previous is None else f"{previous}; {regimen}"

    def _receptor(self, a: Attrib) -> None:
        self.header[_RECEPTOR : _RECEPTOR + 7] = map(a.get, _RECEPTOR_KEYS_32 if self.v32 else _RECEPTOR_KEYS)

    def _cfdi_relacionados(self, a: Attrib) -> None:
        self.grupo += 1
        self.tipo_relacion = a.get("TipoRelacion")

    def _cfdi_relacionado(self, a: Attrib) -> None:
        self.relacionados += 1
        self.rows.cfdi_relacionados.append(
            (self.doc, self.relacionados, self.grupo, self.tipo_relacion, a.get("UUID"))
        )

    # line items and taxes --------------------------------------------------------------------------

    def _concepto(self, a: Attrib) -> None:
        self.conceptos += 1
        row = [self.doc, self.conceptos, *map(a.get, _CONCEPTO_KEYS_32 if self.v32 else _CONCEPTO_KEYS)]
        row.extend((None, None, None, None))
        self.concepto = row
        self.rows.conceptos.append(row)

    def _a_cuenta_terceros(self, a: Attrib) -> None:
        if self.concepto is not None:
            self.concepto[_C_ACUENTA : _C_ACUENTA + 2] = (
                a.get("RfcACuentaTerceros"),
                a.get("NombreACuentaTerceros"),
            )

    def _informacion_aduanera(self, a: Attrib) -> None:
        self._append_to_concepto(_C_PEDIMENTOS, a.get("NumeroPedimento") or a.get("numero"))

    def _cuenta_predial(self, a: Attrib) -> None:
        self._append_to_concepto(_C_PREDIALES, a.get("Numero") or a.get("numero"))

    def _append_to_concepto(self, index: int, value: str | None) -> None:
        if self.concepto is None or value is None:
            return
        if self.concepto[index] is None:
            self.concepto[index] = [value]
        else:
            self.concepto[index].append(value)

    def _impuestos(self, a: Attrib) -> None:
        if self.depth == 2:
            self.tax_nivel, self.tax_concepto = "comprobante", None
            if self.v32:
                totals = (a.get("totalImpuestosTrasladados"), a.get("totalImpuestosRetenidos"))
            else:
                totals = (a.get("TotalImpuestosTrasladados"), a.get("TotalImpuestosRetenidos"))
            self.header[_TAX_TOTALS : _TAX_TOTALS + 2] = totals
        else:
            self.tax_nivel, self.tax_concepto = "concepto", self.conceptos

    def _traslado(self, a: Attrib) -> None:
        self._tax("traslado", a)

    def _retencion(self, a: Attrib) -> None:
        self._tax("retencion", a)

    def _tax(self, tipo: str, a: Attrib) -> None:
        self.taxes += 1
        head = (self.doc, self.taxes, self.tax_nivel, self.tax_concepto, tipo)
        if self.v32:
            base, impuesto, factor, tasa, importe = map(a.get, _TAX_KEYS_32)
            impuesto = _TAX_NAMES_32.get(impuesto.strip().upper(), impuesto) if impuesto else impuesto
            self.rows.impuestos.append((*head, base, impuesto, factor, _percent_to_fraction(tasa), importe))
        else:
            self.rows.impuestos.append((*head, *map(a.get, _TAX_KEYS)))

    # complements -----------------------------------------------------------------------------------

    def _complemento(self, a: Attrib) -> None:
        if self.depth == 2:
            self.in_complemento = True
        else:
            self._unknown("Complemento")

    def _addenda(self, a: Attrib) -> None:
        self.tiene_addenda = True
        self.raw_child_depth = self.depth + 1

    def _timbre(self, a: Attrib) -> None:
        uuid = a.get("UUID")
        if self.uuid is not None:
            if uuid is not None and uuid.lower() != self.uuid.lower():
                raise DocumentRejectedError(
                    f"two different stamps (TimbreFiscalDigital UUID {self.uuid} and {uuid}) in one document",
                    uuid=self.uuid,
                )
            self.timbre_duplicado = True  # the same stamp written twice: the caller records the repair
            return
        if uuid is None:
            raise DocumentRejectedError("the TimbreFiscalDigital has no UUID")
        self.uuid = uuid
        if a.get("Version") is not None:
            stamp = (
                a.get("FechaTimbrado"),
                a.get("Version"),
                a.get("RfcProvCertif"),
                a.get("NoCertificadoSAT"),
            )
        else:
            stamp = (a.get("FechaTimbrado"), a.get("version"), None, a.get("noCertificadoSAT"))
        self.header[_STAMP : _STAMP + 4] = stamp

    def _impuestos_locales(self, a: Attrib) -> None:
        self.header[_LOCAL_TOTALS : _LOCAL_TOTALS + 2] = (
            a.get("TotaldeTraslados"),
            a.get("TotaldeRetenciones"),
        )

    def _traslado_local(self, a: Attrib) -> None:
        self.locales += 1
        self.rows.impuestos_locales.append(
            (
                self.doc,
                self.locales,
                "traslado",
                a.get("ImpLocTrasladado"),
                a.get("TasadeTraslado"),
                a.get("Importe"),
            )
        )

    def _retencion_local(self, a: Attrib) -> None:
        self.locales += 1
        self.rows.impuestos_locales.append(
            (
                self.doc,
                self.locales,
                "retencion",
                a.get("ImpLocRetenido"),
                a.get("TasadeRetencion"),
                a.get("Importe"),
            )
        )

    # payments ----------------------------------------------------------------------------------------

    def _pagos(self, a: Attrib) -> None:
        self.pagos_version = a.get("Version")

    def _pagos_totales(self, a: Attrib) -> None:
        if self.pagos_totales:
            raise DocumentRejectedError("two Pagos Totales elements in one document", uuid=self.uuid)
        self.pagos_totales = True
        self.rows.pagos_totales.append((self.doc, *map(a.get, _TOTALES_KEYS)))

    def _pago(self, a: Attrib) -> None:
        self.pago += 1
        self.doctos = 0
        self.docto = None
        self.rows.pagos.append((self.doc, self.pago, self.pagos_version, *map(a.get, _PAGO_KEYS)))

    def _docto_relacionado(self, a: Attrib) -> None:
        self.doctos += 1
        self.docto = self.doctos
        keys = _DOCTO_KEYS_20 if self.pagos_version == "2.0" else _DOCTO_KEYS_10
        self.rows.pagos_documentos.append((self.doc, self.pago, self.doctos, *map(a.get, keys)))

    def _impuestos_p(self, a: Attrib) -> None:
        self.docto = None

    def _pago_tax(self, nivel: str, documento: int | None, tipo: str, values: Any) -> None:
        self.pago_taxes += 1
        self.rows.pagos_impuestos.append(
            (self.doc, self.pago_taxes, self.pago, documento, nivel, tipo, *values)
        )

    def _traslado_dr(self, a: Attrib) -> None:
        self._pago_tax("documento", self.docto, "traslado", map(a.get, _TAX_DR_KEYS))

    def _retencion_dr(self, a: Attrib) -> None:
        self._pago_tax("documento", self.docto, "retencion", map(a.get, _TAX_DR_KEYS))

    def _traslado_p(self, a: Attrib) -> None:
        keys = _TAX_P_KEYS if self.pagos_version == "2.0" else _TAX_KEYS
        self._pago_tax("pago", None, "traslado", map(a.get, keys))

    def _retencion_p(self, a: Attrib) -> None:
        keys = _TAX_P_KEYS if self.pagos_version == "2.0" else _TAX_KEYS
        self._pago_tax("pago", None, "retencion", map(a.get, keys))

    # payroll -----------------------------------------------------------------------------------------

    def _new_nomina(self, values: list[Any]) -> list[Any]:
        self.nominas += 1
        row = [self.doc, self.nominas, *values]
        row.extend([None] * (_N_RECEPTOR + len(_NOMINA_RECEPTOR_KEYS) - len(row)))
        self.nomina = row
        self.rows.nominas.append(row)
        return row

    def _nomina(self, a: Attrib) -> None:
        self._new_nomina(list(map(a.get, _NOMINA_KEYS)))

    def _nomina11(self, a: Attrib) -> None:
        row = self._new_nomina(list(map(a.get, _NOMINA11_KEYS)))
        row[_N_REGISTRO] = a.get("RegistroPatronal")
        row[_N_RECEPTOR:] = map(a.get, _NOMINA11_RECEPTOR_KEYS)
        # 1.1's lines are not modelled: everything inside the element is kept raw.
        self.raw_child_depth = self.depth + 1

    def _nomina_emisor(self, a: Attrib) -> None:
        if self.nomina is not None:
            self.nomina[_N_REGISTRO] = a.get("RegistroPatronal")

    def _nomina_receptor(self, a: Attrib) -> None:
        if self.nomina is not None:
            self.nomina[_N_RECEPTOR:] = map(a.get, _NOMINA_RECEPTOR_KEYS)

    def _percepciones(self, a: Attrib) -> None:
        if self.nomina is not None:
            self.nomina[_N_TOTAL_SUELDOS : _N_TOTAL_SUELDOS + 3] = (
                a.get("TotalSueldos"),
                a.get("TotalGravado"),
                a.get("TotalExento"),
            )

    def _deducciones(self, a: Attrib) -> None:
        if self.nomina is not None:
            self.nomina[_N_TOTAL_OTRAS_DEDUCCIONES : _N_TOTAL_OTRAS_DEDUCCIONES + 2] = (
                a.get("TotalOtrasDeducciones"),
                a.get("TotalImpuestosRetenidos"),
            )

    def _line(self, tipo_linea: str, keys: tuple[str, ...], a: Attrib) -> list[Any]:
        self.nomina_lineas += 1
        row = [self.doc, self.nomina_lineas, self.nominas, tipo_linea, *map(a.get, keys)]
        self.rows.nomina_lineas.append(row)
        return row

    def _percepcion(self, a: Attrib) -> None:
        self._line("percepcion", _PERCEPCION_KEYS, a)

    def _deduccion(self, a: Attrib) -> None:
        self._line("deduccion", _DEDUCCION_KEYS, a)

    def _otro_pago(self, a: Attrib) -> None:
        self.otro_pago = self._line("otro_pago", _OTRO_PAGO_KEYS, a)

    def _subsidio(self, a: Attrib) -> None:
        if self.otro_pago is not None:
            self.otro_pago[_L_SUBSIDIO] = a.get("SubsidioCausado")

    def _incapacidad(self, a: Attrib) -> None:
        self._line("incapacidad", _INCAPACIDAD_KEYS, a)


KNOWN_TAGS = frozenset(f"{{{ns}}}{local}" for namespaces, local, _ in _DISPATCH for ns in namespaces)
# Elements whose children are always kept raw, whatever they are.
RAW_CHILDREN = frozenset(
    {
        *(_q(ns, name) for ns in (CFD4, CFD3) for name in ("Addenda", "ComplementoConcepto")),
        _q(NOMINA11, "Nomina"),
    }
)
