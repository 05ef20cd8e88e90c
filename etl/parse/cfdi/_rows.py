"""Row buffers for one batch of CFDI documents, turned into frames once per batch.

Header, line items and taxes are kept as the attribute dicts lxml builds anyway (no per-value Python work);
the other tables as tuples. Rows carry or imply the document's ordinal in the batch instead of its UUID,
because the stamp comes last in the document; the ordinal is swapped for the UUID when frames are built.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CONCEPTO_KEYS",
    "HEADER_KEYS",
    "IMPUESTO_KEYS",
    "IMPUESTO_LOCAL_FIELDS",
    "NOMINA_FIELDS",
    "NOMINA_LINEA_FIELDS",
    "PAGO_DOCUMENTO_FIELDS",
    "PAGO_FIELDS",
    "PAGO_IMPUESTO_FIELDS",
    "PAGO_TOTALES_FIELDS",
    "RAW_FIELDS",
    "RELACIONADO_FIELDS",
    "Attributes",
    "Row",
    "Rows",
]

# Where the attribute dictionaries of the three high-volume elements put each column: lxml hands the parser
# a fresh dict per element, which is kept as the row itself (3.2 documents are renamed to these keys first).
HEADER_KEYS: dict[str, str] = {
    "Version": "version",
    "TipoDeComprobante": "tipo_de_comprobante",
    "Serie": "serie",
    "Folio": "folio",
    "Fecha": "fecha",
    "FormaPago": "forma_pago",
    "MetodoPago": "metodo_pago",
    "forma_de_pago": "forma_de_pago",
    "metodo_de_pago": "metodo_de_pago",
    "CondicionesDePago": "condiciones_de_pago",
    "Moneda": "moneda",
    "TipoCambio": "tipo_cambio",
    "SubTotal": "sub_total",
    "Descuento": "descuento",
    "Total": "total",
    "Exportacion": "exportacion",
    "LugarExpedicion": "lugar_expedicion",
    "NoCertificado": "no_certificado",
    # written by the elements below the root, under the column's own name
    "total_impuestos_trasladados": "total_impuestos_trasladados",
    "total_impuestos_retenidos": "total_impuestos_retenidos",
    "total_traslados_locales": "total_traslados_locales",
    "total_retenciones_locales": "total_retenciones_locales",
    "rfc_emisor": "rfc_emisor",
    "nombre_emisor": "nombre_emisor",
    "regimen_fiscal_emisor": "regimen_fiscal_emisor",
    "rfc_receptor": "rfc_receptor",
    "nombre_receptor": "nombre_receptor",
    "uso_cfdi": "uso_cfdi",
    "domicilio_fiscal_receptor": "domicilio_fiscal_receptor",
    "regimen_fiscal_receptor": "regimen_fiscal_receptor",
    "residencia_fiscal": "residencia_fiscal",
    "num_reg_id_trib": "num_reg_id_trib",
    "informacion_global_periodicidad": "informacion_global_periodicidad",
    "informacion_global_meses": "informacion_global_meses",
    "informacion_global_anio": "informacion_global_anio",
    "fecha_timbrado": "fecha_timbrado",
    "version_timbre": "version_timbre",
    "rfc_prov_certif": "rfc_prov_certif",
    "no_certificado_sat": "no_certificado_sat",
}
CONCEPTO_KEYS: dict[str, str] = {
    "ClaveProdServ": "clave_prod_serv",
    "NoIdentificacion": "no_identificacion",
    "Cantidad": "cantidad",
    "ClaveUnidad": "clave_unidad",
    "Unidad": "unidad",
    "Descripcion": "descripcion",
    "ValorUnitario": "valor_unitario",
    "Importe": "importe",
    "Descuento": "descuento",
    "ObjetoImp": "objeto_imp",
    "rfc_a_cuenta_terceros": "rfc_a_cuenta_terceros",
    "nombre_a_cuenta_terceros": "nombre_a_cuenta_terceros",
    "numeros_pedimento": "numeros_pedimento",
    "cuentas_prediales": "cuentas_prediales",
}
IMPUESTO_KEYS: dict[str, str] = {
    "Base": "base",
    "Impuesto": "impuesto",
    "TipoFactor": "tipo_factor",
    "TasaOCuota": "tasa_o_cuota",
    "Importe": "importe",
}
# The remaining tables are written as tuples in this order; every such row starts with the ordinal "doc".
IMPUESTO_LOCAL_FIELDS = ("doc", "numero", "tipo", "impuesto_local", "tasa", "importe")
RELACIONADO_FIELDS = ("doc", "numero", "grupo", "tipo_relacion", "uuid_relacionado")
PAGO_FIELDS = (
    "doc",
    "numero_pago",
    "version_pagos",
    "fecha_pago",
    "forma_de_pago_p",
    "moneda_p",
    "tipo_cambio_p",
    "monto",
    "num_operacion",
    "rfc_emisor_cta_ord",
    "nom_banco_ord_ext",
    "cta_ordenante",
    "rfc_emisor_cta_ben",
    "cta_beneficiario",
    "tipo_cad_pago",
)
PAGO_TOTALES_FIELDS = (
    "doc",
    "monto_total_pagos",
    "total_retenciones_iva",
    "total_retenciones_isr",
    "total_retenciones_ieps",
    "total_traslados_base_iva16",
    "total_traslados_impuesto_iva16",
    "total_traslados_base_iva8",
    "total_traslados_impuesto_iva8",
    "total_traslados_base_iva0",
    "total_traslados_impuesto_iva0",
    "total_traslados_base_iva_exento",
)
PAGO_DOCUMENTO_FIELDS = (
    "doc",
    "numero_pago",
    "numero",
    "id_documento",
    "serie",
    "folio",
    "moneda_dr",
    "equivalencia_dr",
    "metodo_de_pago_dr",
    "num_parcialidad",
    "imp_saldo_ant",
    "imp_pagado",
    "imp_saldo_insoluto",
    "objeto_imp_dr",
)
PAGO_IMPUESTO_FIELDS = (
    "doc",
    "numero",
    "numero_pago",
    "documento_numero",
    "nivel",
    "tipo",
    "base",
    "impuesto",
    "tipo_factor",
    "tasa_o_cuota",
    "importe",
)
NOMINA_FIELDS = (
    "doc",
    "numero",
    "version_nomina",
    "tipo_nomina",
    "fecha_pago",
    "fecha_inicial_pago",
    "fecha_final_pago",
    "num_dias_pagados",
    "total_percepciones",
    "total_deducciones",
    "total_otros_pagos",
    "total_sueldos",
    "total_gravado",
    "total_exento",
    "total_otras_deducciones",
    "total_impuestos_retenidos",
    "registro_patronal",
    "curp",
    "num_seguridad_social",
    "num_empleado",
    "departamento",
    "puesto",
    "tipo_contrato",
    "tipo_jornada",
    "tipo_regimen",
    "periodicidad_pago",
    "riesgo_puesto",
    "fecha_inicio_rel_laboral",
    "antiguedad",
    "sindicalizado",
    "banco",
    "cuenta_bancaria",
    "salario_base_cot_apor",
    "salario_diario_integrado",
    "clave_ent_fed",
)
NOMINA_LINEA_FIELDS = (
    "doc",
    "numero",
    "nomina_numero",
    "tipo_linea",
    "tipo",
    "clave",
    "concepto",
    "importe_gravado",
    "importe_exento",
    "importe",
    "subsidio_causado",
    "dias_incapacidad",
)
RAW_FIELDS = ("doc", "numero", "ubicacion", "concepto_numero", "namespace", "elemento", "version", "xml")

# A row is a list (filled in place by later elements) or a tuple; its values are str, int, list or None.
Row = list[Any] | tuple[Any, ...]
Attributes = dict[str, Any]


class Rows:
    """Everything parsed so far in a batch. A rejected document's rows are cut off with `truncate`."""

    def __init__(self) -> None:
        # one entry per accepted document read by the Python parser (header_docs: its ordinal)
        self.headers: list[Attributes] = []
        self.header_docs: list[int] = []
        self.complementos: list[list[str]] = []
        self.tiene_addenda: list[bool] = []
        # one entry per accepted document, by ordinal, whichever path read it
        self.uuids: list[str] = []
        self.reparaciones: list[list[str]] = []
        self.sources: list[str] = []
        self.data: list[bytes] = []
        self.doc_marks: list[tuple[int, ...]] = []  # each list's length when the document started
        # line items and their taxes, as attribute dicts; the tax lists are split by level and kind, and
        # concept_*_starts give, for each line item, where its taxes start in the concept tax lists
        self.conceptos: list[Attributes] = []
        self.concept_traslados: list[Attributes] = []
        self.concept_retenciones: list[Attributes] = []
        self.concept_traslado_starts: list[int] = []
        self.concept_retencion_starts: list[int] = []
        self.doc_traslados: list[Attributes] = []
        self.doc_retenciones: list[Attributes] = []
        # the other tables, as tuples/lists starting with the document ordinal
        self.impuestos_locales: list[Row] = []
        self.cfdi_relacionados: list[Row] = []
        self.pagos: list[Row] = []
        self.pagos_totales: list[Row] = []
        self.pagos_documentos: list[Row] = []
        self.pagos_impuestos: list[Row] = []
        self.nominas: list[Row] = []
        self.nomina_lineas: list[Row] = []
        self.complementos_raw: list[Row] = []
        self._all: tuple[list[Any], ...] = tuple(v for v in vars(self).values() if isinstance(v, list))

    def marks(self) -> tuple[int, ...]:
        return tuple(map(len, self._all))

    def clear(self) -> None:
        """Forget the batch, now that its frames are built (the lists' contents are the batch's memory)."""
        for rows in self._all:
            rows.clear()

    def forget_elements(self) -> None:
        """Forget what the text frames now hold (every element's values), keeping each document's identity,
        repairs, source and bytes for the typing that follows: a batch's attribute dicts and its frames are
        then never in memory together."""
        kept = (self.uuids, self.reparaciones, self.sources, self.data)
        for rows in self._all:
            if not any(rows is keep for keep in kept):
                rows.clear()

    def truncate(self, marks: tuple[int, ...]) -> None:
        for rows, mark in zip(self._all, marks, strict=True):
            del rows[mark:]

    def mark(self, marks: tuple[int, ...], rows: list[Any]) -> int:
        """The length `rows` (one of this object's lists) had when `marks` were taken."""
        return marks[self._index(rows)]

    def starts(self, rows: list[Any]) -> list[int]:
        """Where each accepted document's rows start in `rows` (one of this object's lists)."""
        index = self._index(rows)
        return [marks[index] for marks in self.doc_marks]

    def _index(self, rows: list[Any]) -> int:
        return next(i for i, candidate in enumerate(self._all) if candidate is rows)
