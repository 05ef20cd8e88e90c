"""The CFDI parser proper: lxml start/end events dispatched on the Clark tag straight into row buffers.

It runs as an lxml parser target (no tree is built: the fast path) or is fed the events of an already
repaired tree (`feed_tree`). The dispatch table maps `{namespace}Local` to a handler; for the elements that
make up most of a document (line items and their taxes) the handler is the `append` of the list the
attribute dict belongs in, swapped when the context changes, so that no Python code runs for them at all.
An element no handler knows marks the document as carrying raw content, which `_raw.py` extracts from a
tree afterwards, and its subtree is skipped here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from etl.parse._whitespace import collapse
from etl.parse._xml import DocumentRejectedError
from etl.parse.cfdi._rows import CONCEPTO_KEYS, IMPUESTO_KEYS, Attributes, Rows
from etl.parse.cfdi._tags import CFD3, CFD4, IMPLOCAL, NOMINA11, NOMINA12, PAGOS10, PAGOS20, TFD

__all__ = ["KNOWN_TAGS", "RAW_CHILDREN", "CfdiEvents", "NeedsTreeError"]

Attrib = Mapping[str, str]
Handler = Callable[[Any], object]

_X = "cfdi-etl-ausente"  # an attribute name no document uses: map(attrib.get, KEYS) yields None there

# 3.2 and 3.0 spell the header, parties, lines and taxes in lower case; renamed to 3.3's names on the way in.
_HEADER_32 = {
    "Version": "version",
    "TipoDeComprobante": "tipoDeComprobante",
    "Serie": "serie",
    "Folio": "folio",
    "Fecha": "fecha",
    "forma_de_pago": "formaDePago",
    "metodo_de_pago": "metodoDePago",
    "CondicionesDePago": "condicionesDePago",
    "Moneda": "Moneda",
    "TipoCambio": "TipoCambio",
    "SubTotal": "subTotal",
    "Descuento": "descuento",
    "Total": "total",
    "LugarExpedicion": "LugarExpedicion",
    "NoCertificado": "noCertificado",
}
_CONCEPTO_32 = {
    "NoIdentificacion": "noIdentificacion",
    "Cantidad": "cantidad",
    "Unidad": "unidad",
    "Descripcion": "descripcion",
    "ValorUnitario": "valorUnitario",
    "Importe": "importe",
}
_TAX_NAMES_32 = {"ISR": "001", "IVA": "002", "IEPS": "003"}
_TIPOS_32 = {"ingreso": "I", "egreso": "E", "traslado": "T"}
_RECEPTOR_KEYS = (
    ("rfc_receptor", "Rfc"),
    ("nombre_receptor", "Nombre"),
    ("uso_cfdi", "UsoCFDI"),
    ("domicilio_fiscal_receptor", "DomicilioFiscalReceptor"),
    ("regimen_fiscal_receptor", "RegimenFiscalReceptor"),
    ("residencia_fiscal", "ResidenciaFiscal"),
    ("num_reg_id_trib", "NumRegIdTrib"),
)
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
_TAX_10_KEYS = ("Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe")
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


_CFD = (CFD4, CFD3)
_PAGOS = (PAGOS20, PAGOS10)
_TRASLADO = tuple(f"{{{ns}}}Traslado" for ns in _CFD)
_RETENCION = tuple(f"{{{ns}}}Retencion" for ns in _CFD)
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
    (_CFD, "Traslado", "_traslado_32"),
    (_CFD, "Retencion", "_retencion_32"),
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
KNOWN_TAGS = frozenset(f"{{{ns}}}{local}" for namespaces, local, _ in _DISPATCH for ns in namespaces)
# Elements whose children are always kept raw, whatever they are.
RAW_CHILDREN = frozenset(
    {
        *(f"{{{ns}}}{name}" for ns in _CFD for name in ("Addenda", "ComplementoConcepto")),
        f"{{{NOMINA11}}}Nomina",
    }
)
_NO_HANDLERS: dict[str, Handler] = {}


class NeedsTreeError(Exception):
    """The fast path met an element with no namespace: an undeclared prefix. Repair and parse as a tree."""


def _percent_to_fraction(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(Decimal(value.strip()) / 100)
    except InvalidOperation:
        return value  # left as written: the typed cast refuses it and says which value was wrong


# One copy of each attribute name a line item or tax line keeps, for `_with_shared_names`.
_SHARED_NAMES: dict[str, str] = {name: name for name in (*CONCEPTO_KEYS, *IMPUESTO_KEYS)}


def _with_shared_names(a: Attributes) -> Attributes:
    return {_SHARED_NAMES.get(name, name): value for name, value in a.items()}


def _sharing_names(append: Callable[[Attributes], None]) -> Callable[[Attributes], None]:
    return lambda a: append(_with_shared_names(a))


class CfdiEvents:
    """Receives one document's start/end events and writes its rows. Reused across documents of a batch."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.base_handlers: dict[str, Handler] = {
            # a container only matters for what is inside: `bool` is a no-op that costs no Python frame
            f"{{{namespace}}}{local}": bool if method == "_nothing" else getattr(self, method)
            for namespaces, local, method in _DISPATCH
            for namespace in namespaces
        }
        self.fast = True
        # set by the caller for a large document, called at the start of each line item (those before it
        # being complete) to turn them into frames now and then (`_line_items`); its line items' dicts
        # share their attribute names too (lxml makes each name anew per element: a third of a line
        # item's memory), at a dict copy per element
        self.spill: Callable[[], None] | None = None
        self._reset(0)

    def _reset(self, doc: int) -> None:
        self.doc = doc
        self.handlers = self.base_handlers
        self.depth = 0
        self.skip_depth = 0  # inside a raw subtree: events below this depth are not ours
        # containers whose end restores something: (depth, handlers to restore or None)
        self.marks: list[tuple[int, dict[str, Handler] | None]] = []
        self.mark = -1
        self.in_complemento = False
        self.needs_raw = False
        self.v32 = False
        self.header: Attributes = {}
        self.concepto: Attributes | None = None
        self.grupo = 0
        self.tipo_relacion: str | None = None
        self.relacionados = 0
        self.locales = 0
        self.pagos_version: str | None = None
        self.pagos_20 = False  # Pagos 2.0 names its attributes otherwise than 1.0
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
        self.collapsed = False  # a value collapsed while reading (the frame's collapse cannot see it)
        self.complementos: list[str] = []
        self.tiene_addenda = False

    def forget_stamp(self) -> None:
        self.uuid = None

    def begin(self, doc: int, *, fast: bool) -> None:
        self.fast = fast
        self._reset(doc)

    # lxml target protocol -------------------------------------------------------------------------

    def start(self, tag: str, attrib: Attrib) -> None:
        self.depth += 1
        if self.skip_depth:
            return
        handler = self.handlers.get(tag)
        if handler is None:
            self._unknown(tag)
        else:
            handler(attrib)

    def end(self, tag: str) -> None:
        depth = self.depth
        if depth == self.skip_depth:
            self.skip_depth = 0
        elif depth == self.mark:
            self._unmark()
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
                self.start(tag, dict(element.attrib))
            else:
                self.end(tag)

    def _push_mark(self, restore: dict[str, Handler] | None) -> None:
        self.marks.append((self.depth, restore))
        self.mark = self.depth

    def _unmark(self) -> None:
        _, restore = self.marks.pop()
        if restore is None:
            self.in_complemento = False
        else:
            self.handlers = restore
        self.mark = self.marks[-1][0] if self.marks else -1

    def _unknown(self, tag: str) -> None:
        if self.fast and not tag.startswith("{"):
            raise NeedsTreeError(tag)
        if self.depth == 1:
            raise DocumentRejectedError(
                f"not a CFDI: the root element is {tag}, expected Comprobante in {CFD4} or {CFD3}"
            )
        self._complement_present(tag)
        self.needs_raw = True
        self.skip_depth = self.depth

    def _complement_present(self, tag: str) -> None:
        if self.in_complemento and self.depth == 3:
            self.complementos.append(tag[tag.find("}") + 1 :])

    def _raw_children(self, a: Attrib) -> None:
        self._push_mark(self.handlers)
        self.handlers = _NO_HANDLERS

    # header ----------------------------------------------------------------------------------------

    def _comprobante(self, a: Attributes) -> None:
        if self.depth != 1:
            raise DocumentRejectedError("a Comprobante element inside another: not a CFDI as SAT stamps them")
        written = a.get("Version") or a.get("version")
        # the value itself is collapsed with the header's others (and the repair recorded) when typed
        version = collapse(written) if written is not None else None
        handlers = self.handlers
        # until an Impuestos element says where they belong, taxes are 3.2's or out of place
        handlers[_TRASLADO[0]] = handlers[_TRASLADO[1]] = self._traslado_32
        handlers[_RETENCION[0]] = handlers[_RETENCION[1]] = self._retencion_32
        if version in ("4.0", "3.3"):
            self.header = a
        elif version in ("3.2", "3.0"):
            self.v32 = True
            header = {name: a.get(name_32) for name, name_32 in _HEADER_32.items()}
            tipo = header["TipoDeComprobante"]
            if tipo is not None:
                # 3.2 wrote the type as a word: translated as the XSD reads it, padding collapsed first
                self.collapsed = collapse(tipo) != tipo
                header["TipoDeComprobante"] = _TIPOS_32.get(collapse(tipo), tipo)
            self.header = header
        else:
            raise DocumentRejectedError(
                f"unsupported CFDI version {written!r}: expected 4.0, 3.3, 3.2 or 3.0"
            )

    def _informacion_global(self, a: Attrib) -> None:
        header = self.header
        header["informacion_global_periodicidad"] = a.get("Periodicidad")
        header["informacion_global_meses"] = a.get("Meses")
        header["informacion_global_anio"] = a.get("Año")

    def _emisor(self, a: Attrib) -> None:
        header = self.header
        if self.v32:
            header["rfc_emisor"], header["nombre_emisor"] = a.get("rfc"), a.get("nombre")
        else:
            header["rfc_emisor"], header["nombre_emisor"] = a.get("Rfc"), a.get("Nombre")
            header["regimen_fiscal_emisor"] = a.get("RegimenFiscal")

    def _regimen_fiscal_32(self, a: Attrib) -> None:
        regimen = a.get("Regimen")
        previous = self.header.get("regimen_fiscal_emisor")
        self.header["regimen_fiscal_emisor"] = regimen if previous is None else f"{previous}; {regimen}"

    def _receptor(self, a: Attrib) -> None:
        header = self.header
        if self.v32:
            header["rfc_receptor"], header["nombre_receptor"] = a.get("rfc"), a.get("nombre")
        else:
            for column, name in _RECEPTOR_KEYS:
                header[column] = a.get(name)

    def _cfdi_relacionados(self, a: Attrib) -> None:
        self.grupo += 1
        self.tipo_relacion = a.get("TipoRelacion")

    def _cfdi_relacionado(self, a: Attrib) -> None:
        self.relacionados += 1
        self.rows.cfdi_relacionados.append(
            (self.doc, self.relacionados, self.grupo, self.tipo_relacion, a.get("UUID"))
        )

    # line items and taxes --------------------------------------------------------------------------

    def _concepto(self, a: Attributes) -> None:
        rows = self.rows
        if self.spill is not None:
            self.spill()
        if self.v32:
            a = {name: a.get(name_32) for name, name_32 in _CONCEPTO_32.items()}
        elif self.spill is not None:
            a = _with_shared_names(a)
        self.concepto = a
        rows.conceptos.append(a)
        rows.concept_traslado_starts.append(len(rows.concept_traslados))
        rows.concept_retencion_starts.append(len(rows.concept_retenciones))

    def _a_cuenta_terceros(self, a: Attrib) -> None:
        if self.concepto is not None:
            self.concepto["rfc_a_cuenta_terceros"] = a.get("RfcACuentaTerceros")
            self.concepto["nombre_a_cuenta_terceros"] = a.get("NombreACuentaTerceros")

    def _informacion_aduanera(self, a: Attrib) -> None:
        self._append_to_concepto("numeros_pedimento", a.get("NumeroPedimento") or a.get("numero"))

    def _cuenta_predial(self, a: Attrib) -> None:
        self._append_to_concepto("cuentas_prediales", a.get("Numero") or a.get("numero"))

    def _append_to_concepto(self, column: str, value: str | None) -> None:
        if self.concepto is not None and value is not None:
            self.concepto.setdefault(column, []).append(value)

    def _impuestos(self, a: Attrib) -> None:
        handlers, rows = self.handlers, self.rows
        if self.depth == 2:
            if self.v32:
                self.header["total_impuestos_trasladados"] = a.get("totalImpuestosTrasladados")
                self.header["total_impuestos_retenidos"] = a.get("totalImpuestosRetenidos")
                return
            self.header["total_impuestos_trasladados"] = a.get("TotalImpuestosTrasladados")
            self.header["total_impuestos_retenidos"] = a.get("TotalImpuestosRetenidos")
            traslados, retenciones = rows.doc_traslados.append, rows.doc_retenciones.append
        elif self.v32:
            return
        elif self.concepto is None:
            raise DocumentRejectedError("an Impuestos element outside any Concepto and not under Comprobante")
        else:
            traslados, retenciones = rows.concept_traslados.append, rows.concept_retenciones.append
            if self.spill is not None:
                traslados, retenciones = _sharing_names(traslados), _sharing_names(retenciones)
        handlers[_TRASLADO[0]] = handlers[_TRASLADO[1]] = traslados
        handlers[_RETENCION[0]] = handlers[_RETENCION[1]] = retenciones

    def _tax_32(self, a: Attrib) -> Attributes:
        impuesto = a.get("impuesto")
        if impuesto is not None:
            impuesto = _TAX_NAMES_32.get(impuesto.strip().upper(), impuesto)
        return {
            "Impuesto": impuesto,
            "TasaOCuota": _percent_to_fraction(a.get("tasa")),
            "Importe": a.get("importe"),
        }

    def _traslado_32(self, a: Attrib) -> None:
        """3.2's document-level taxes; 3.3 and 4.0 route Traslado straight to a list's append."""
        self._out_of_place("Traslado")
        self.rows.doc_traslados.append(self._tax_32(a))

    def _retencion_32(self, a: Attrib) -> None:
        self._out_of_place("Retencion")
        self.rows.doc_retenciones.append(self._tax_32(a))

    def _out_of_place(self, name: str) -> None:
        if not self.v32:
            raise DocumentRejectedError(f"a {name} element outside any Impuestos element")

    # complements -----------------------------------------------------------------------------------

    def _complemento(self, a: Attrib) -> None:
        if self.depth != 2:
            self._unknown("Complemento")
            return
        self.in_complemento = True
        self._push_mark(None)

    def _addenda(self, a: Attrib) -> None:
        self.tiene_addenda = True
        self._raw_children(a)

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
        self._complement_present("TimbreFiscalDigital")
        self.uuid = uuid
        header = self.header
        header["fecha_timbrado"] = a.get("FechaTimbrado")
        if a.get("Version") is not None:
            header["version_timbre"] = a.get("Version")
            header["rfc_prov_certif"] = a.get("RfcProvCertif")
            header["no_certificado_sat"] = a.get("NoCertificadoSAT")
        else:
            header["version_timbre"] = a.get("version")
            header["no_certificado_sat"] = a.get("noCertificadoSAT")

    def _impuestos_locales(self, a: Attrib) -> None:
        self._complement_present("ImpuestosLocales")
        self.header["total_traslados_locales"] = a.get("TotaldeTraslados")
        self.header["total_retenciones_locales"] = a.get("TotaldeRetenciones")

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
        self._complement_present("Pagos")
        self.pagos_version = a.get("Version")
        self.pagos_20 = collapse(self.pagos_version or "") == "2.0"

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
        keys = _DOCTO_KEYS_20 if self.pagos_20 else _DOCTO_KEYS_10
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
        keys = _TAX_P_KEYS if self.pagos_20 else _TAX_10_KEYS
        self._pago_tax("pago", None, "traslado", map(a.get, keys))

    def _retencion_p(self, a: Attrib) -> None:
        keys = _TAX_P_KEYS if self.pagos_20 else _TAX_10_KEYS
        self._pago_tax("pago", None, "retencion", map(a.get, keys))

    # payroll -----------------------------------------------------------------------------------------

    def _new_nomina(self, values: list[Any]) -> list[Any]:
        self._complement_present("Nomina")
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
        self._raw_children(a)

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
