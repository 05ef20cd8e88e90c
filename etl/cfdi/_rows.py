"""Row buffers for one batch of CFDI documents: plain lists of tuples, turned into frames once per batch.

Child rows carry the document's ordinal in the batch instead of its UUID, because the stamp comes last in
the document; the ordinal is swapped for the UUID when the frames are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "COMPROBANTE_FIELDS",
    "CONCEPTO_FIELDS",
    "IMPUESTO_FIELDS",
    "IMPUESTO_LOCAL_FIELDS",
    "NOMINA_FIELDS",
    "NOMINA_LINEA_FIELDS",
    "PAGO_DOCUMENTO_FIELDS",
    "PAGO_FIELDS",
    "PAGO_IMPUESTO_FIELDS",
    "PAGO_TOTALES_FIELDS",
    "RAW_FIELDS",
    "RELACIONADO_FIELDS",
    "Rows",
]

# The order in which the parser writes each table's values; every child row starts with the ordinal "doc".
COMPROBANTE_FIELDS = (
    "version",
    "tipo_de_comprobante",
    "serie",
    "folio",
    "fecha",
    "forma_pago",
    "metodo_pago",
    "forma_de_pago",
    "metodo_de_pago",
    "condiciones_de_pago",
    "moneda",
    "tipo_cambio",
    "sub_total",
    "descuento",
    "total",
    "exportacion",
    "lugar_expedicion",
    "no_certificado",
    "total_impuestos_trasladados",
    "total_impuestos_retenidos",
    "total_traslados_locales",
    "total_retenciones_locales",
    "rfc_emisor",
    "nombre_emisor",
    "regimen_fiscal_emisor",
    "rfc_receptor",
    "nombre_receptor",
    "uso_cfdi",
    "domicilio_fiscal_receptor",
    "regimen_fiscal_receptor",
    "residencia_fiscal",
    "num_reg_id_trib",
    "informacion_global_periodicidad",
    "informacion_global_meses",
    "informacion_global_anio",
    "fecha_timbrado",
    "version_timbre",
    "rfc_prov_certif",
    "no_certificado_sat",
)
CONCEPTO_FIELDS = (
    "doc",
    "numero",
    "clave_prod_serv",
    "no_identificacion",
    "cantidad",
    "clave_unidad",
    "unidad",
    "descripcion",
    "valor_unitario",
    "importe",
    "descuento",
    "objeto_imp",
    "rfc_a_cuenta_terceros",
    "nombre_a_cuenta_terceros",
    "numeros_pedimento",
    "cuentas_prediales",
)
IMPUESTO_FIELDS = (
    "doc",
    "numero",
    "nivel",
    "concepto_numero",
    "tipo",
    "base",
    "impuesto",
    "tipo_factor",
    "tasa_o_cuota",
    "importe",
)
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


@dataclass(slots=True)
class Rows:
    """Everything parsed so far in a batch. A rejected document's rows are cut off with `truncate`."""

    # one entry per document, by ordinal
    comprobantes: list[list[Any]] = field(default_factory=list)
    uuids: list[str | None] = field(default_factory=list)
    complementos: list[list[str]] = field(default_factory=list)
    tiene_addenda: list[bool] = field(default_factory=list)
    reparaciones: list[list[str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    sha256s: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    # child tables
    conceptos: list[Row] = field(default_factory=list)
    impuestos: list[Row] = field(default_factory=list)
    impuestos_locales: list[Row] = field(default_factory=list)
    cfdi_relacionados: list[Row] = field(default_factory=list)
    pagos: list[Row] = field(default_factory=list)
    pagos_totales: list[Row] = field(default_factory=list)
    pagos_documentos: list[Row] = field(default_factory=list)
    pagos_impuestos: list[Row] = field(default_factory=list)
    nominas: list[Row] = field(default_factory=list)
    nomina_lineas: list[Row] = field(default_factory=list)
    complementos_raw: list[Row] = field(default_factory=list)

    def _lists(self) -> tuple[list[Any], ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def marks(self) -> tuple[int, ...]:
        return tuple(len(rows) for rows in self._lists())

    def truncate(self, marks: tuple[int, ...]) -> None:
        for rows, mark in zip(self._lists(), marks, strict=True):
            del rows[mark:]
