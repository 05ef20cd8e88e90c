"""CFDI documents (4.0, 3.3, 3.2) and the complements finance needs, one table per thing an analyst counts.

Names follow SAT's own attribute names in snake_case. Where versions mean the same thing they share a column
(3.2 percentages become fractions, tax names become codes, `ingreso` becomes `I`); where they do not, they
keep their own (3.2's `formaDePago`/`metodoDePago` are `forma_de_pago`/`metodo_de_pago`, not
`forma_pago`/`metodo_pago`).
"""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import (
    DATE,
    INT,
    MONEY,
    QUANTITY,
    RATE,
    TEXT,
    TEXT_LIST,
    TIMESTAMP,
    UUID,
)
from schemas._stamp import STAMP_AND_SOURCE_COLUMNS

__all__ = [
    "CFDI_RELACIONADOS",
    "CFDI_TABLES",
    "COMPROBANTES",
    "CONCEPTOS",
    "IMPUESTOS",
    "IMPUESTOS_LOCALES",
    "NOMINAS",
    "NOMINA_LINEAS",
    "PAGOS",
    "PAGOS_DOCUMENTOS",
    "PAGOS_IMPUESTOS",
    "PAGOS_TOTALES",
]

_UUID = Column("uuid", UUID, "the document's stamp UUID (TimbreFiscalDigital), lower case", nullable=False)

COMPROBANTES = Table(
    name="comprobantes",
    meaning=(
        "one row per CFDI: header, parties, totals (in moneda and MXN), stamp, complements present. SAT's"
        " amounts are kept exactly; an *_mxn amount that does not fit DECIMAL(18,6) is null, never clipped,"
        " and the document's reparaciones say conversion_mxn_fuera_de_rango"
    ),
    columns=(
        _UUID,
        Column("version", TEXT, "CFDI version: 4.0, 3.3, 3.2 or 3.0", nullable=False),
        Column(
            "tipo_de_comprobante", TEXT, "I ingreso, E egreso, T traslado, N nómina, P pago (3.2 words coded)"
        ),
        Column("serie", TEXT, "issuer's series"),
        Column("folio", TEXT, "issuer's folio"),
        Column("fecha", TIMESTAMP, "emission date, Mexico local time"),
        Column("fecha_timbrado", TIMESTAMP, "when the PAC stamped it, Mexico local time"),
        Column("forma_pago", TEXT, "3.3/4.0 FormaPago code (01 cash, 03 transfer, 99 to be defined…)"),
        Column("metodo_pago", TEXT, "3.3/4.0 MetodoPago: PUE paid at once, PPD paid later with P documents"),
        Column("forma_de_pago", TEXT, "3.2 formaDePago as written (roughly 3.3's MetodoPago; not the same)"),
        Column("metodo_de_pago", TEXT, "3.2 metodoDePago as written (roughly 3.3's FormaPago; not the same)"),
        Column("condiciones_de_pago", TEXT, "payment terms as written"),
        Column("moneda", TEXT, "currency code (MXN, USD, XXX for P documents)"),
        Column("tipo_cambio", RATE, "MXN per unit of moneda, as written; null means 1"),
        Column("sub_total", MONEY, "SubTotal in moneda"),
        Column("descuento", MONEY, "Descuento in moneda"),
        Column("total", MONEY, "Total in moneda"),
        Column("total_impuestos_trasladados", MONEY, "document-level transferred taxes in moneda"),
        Column("total_impuestos_retenidos", MONEY, "document-level withheld taxes in moneda"),
        Column("total_traslados_locales", MONEY, "ImpuestosLocales TotaldeTraslados in moneda"),
        Column("total_retenciones_locales", MONEY, "ImpuestosLocales TotaldeRetenciones in moneda"),
        Column("sub_total_mxn", MONEY, "sub_total × coalesce(tipo_cambio, 1)"),
        Column("descuento_mxn", MONEY, "descuento × coalesce(tipo_cambio, 1)"),
        Column("total_mxn", MONEY, "total × coalesce(tipo_cambio, 1)"),
        Column(
            "total_impuestos_trasladados_mxn", MONEY, "total_impuestos_trasladados × coalesce(tipo_cambio, 1)"
        ),
        Column(
            "total_impuestos_retenidos_mxn", MONEY, "total_impuestos_retenidos × coalesce(tipo_cambio, 1)"
        ),
        Column("exportacion", TEXT, "4.0 Exportacion code"),
        Column("lugar_expedicion", TEXT, "postal code (3.2: place as written) where it was issued"),
        Column("rfc_emisor", TEXT, "issuer's RFC"),
        Column("nombre_emisor", TEXT, "issuer's name"),
        Column("regimen_fiscal_emisor", TEXT, "issuer's tax regime code (3.2: text as written)"),
        Column("rfc_receptor", TEXT, "receiver's RFC"),
        Column("nombre_receptor", TEXT, "receiver's name"),
        Column("uso_cfdi", TEXT, "receiver's UsoCFDI code"),
        Column("domicilio_fiscal_receptor", TEXT, "4.0 receiver's postal code"),
        Column("regimen_fiscal_receptor", TEXT, "4.0 receiver's tax regime code"),
        Column("residencia_fiscal", TEXT, "foreign receiver's country"),
        Column("num_reg_id_trib", TEXT, "foreign receiver's tax id"),
        Column("informacion_global_periodicidad", TEXT, "4.0 global invoice: Periodicidad"),
        Column("informacion_global_meses", TEXT, "4.0 global invoice: Meses"),
        Column("informacion_global_anio", TEXT, "4.0 global invoice: Año"),
        Column("no_certificado", TEXT, "issuer's certificate number (CSD)"),
        *STAMP_AND_SOURCE_COLUMNS,
    ),
    key=("uuid",),
)

CONCEPTOS = Table(
    name="conceptos",
    meaning="one row per line item (Concepto) of a CFDI",
    columns=(
        _UUID,
        Column("numero", INT, "line position in the document, from 1", nullable=False),
        Column("clave_prod_serv", TEXT, "SAT product/service code"),
        Column("no_identificacion", TEXT, "issuer's own item code"),
        Column("cantidad", QUANTITY, "quantity"),
        Column("clave_unidad", TEXT, "SAT unit code"),
        Column("unidad", TEXT, "unit as written"),
        Column("descripcion", TEXT, "description"),
        Column("valor_unitario", MONEY, "unit price in the document's moneda"),
        Column("importe", MONEY, "cantidad × valor_unitario, in moneda"),
        Column("descuento", MONEY, "line discount in moneda"),
        Column("objeto_imp", TEXT, "4.0 ObjetoImp: 01 not subject, 02 subject, 03 subject not obliged…"),
        Column("rfc_a_cuenta_terceros", TEXT, "4.0 ACuentaTerceros: RFC of the third party"),
        Column("nombre_a_cuenta_terceros", TEXT, "4.0 ACuentaTerceros: name of the third party"),
        Column("numeros_pedimento", TEXT_LIST, "customs entries (InformacionAduanera NumeroPedimento)"),
        Column("cuentas_prediales", TEXT_LIST, "property tax account numbers (CuentaPredial Numero)"),
    ),
    key=("uuid", "numero"),
)

IMPUESTOS = Table(
    name="impuestos",
    meaning="one row per CFDI tax line, per line item or for the whole document, transferred or withheld",
    columns=(
        _UUID,
        Column("numero", INT, "position of this tax line in the document, from 1", nullable=False),
        Column(
            "nivel",
            TEXT,
            "'concepto' (a line item's tax) or 'comprobante' (document summary)",
            nullable=False,
        ),
        Column("concepto_numero", INT, "conceptos.numero for nivel 'concepto', else null"),
        Column("tipo", TEXT, "'traslado' (transferred) or 'retencion' (withheld)", nullable=False),
        Column("base", MONEY, "taxable base in moneda (absent at document level before 4.0)"),
        Column("impuesto", TEXT, "tax code: 001 ISR, 002 IVA, 003 IEPS (3.2 names coded)"),
        Column("tipo_factor", TEXT, "Tasa, Cuota or Exento (null in 3.2)"),
        Column("tasa_o_cuota", RATE, "rate as a fraction (0.160000; 3.2 percentages divided by 100) or fee"),
        Column("importe", MONEY, "tax amount in moneda; null for Exento"),
    ),
    key=("uuid", "numero"),
)

IMPUESTOS_LOCALES = Table(
    name="impuestos_locales",
    meaning="one row per state or local tax (ImpuestosLocales complement), included in the document's Total",
    columns=(
        _UUID,
        Column("numero", INT, "position in the complement, from 1", nullable=False),
        Column("tipo", TEXT, "'traslado' or 'retencion'", nullable=False),
        Column("impuesto_local", TEXT, "ImpLocTrasladado / ImpLocRetenido as written"),
        Column("tasa", RATE, "rate as a fraction (the complement's percentage divided by 100)"),
        Column("importe", MONEY, "amount in the document's moneda"),
    ),
    key=("uuid", "numero"),
)

CFDI_RELACIONADOS = Table(
    name="cfdi_relacionados",
    meaning="one row per related document (CfdiRelacionados): credit notes, substitutions, advances…",
    columns=(
        _UUID,
        Column("numero", INT, "position in the document, from 1", nullable=False),
        Column("grupo", INT, "which CfdiRelacionados group, from 1 (4.0 allows several)", nullable=False),
        Column(
            "tipo_relacion", TEXT, "01 credit note, 02 debit note, 03 return, 04 substitution, 07 advance…"
        ),
        Column("uuid_relacionado", UUID, "the related document's UUID, lower case", nullable=False),
    ),
    key=("uuid", "numero"),
)

PAGOS = Table(
    name="pagos",
    meaning="one row per payment (Pago) in a P document's Pagos 2.0 or 1.0 complement",
    columns=(
        _UUID,
        Column("numero_pago", INT, "position of the payment in the document, from 1", nullable=False),
        Column("version_pagos", TEXT, "Pagos complement version: 2.0 or 1.0"),
        Column("fecha_pago", TIMESTAMP, "when the payment was made, Mexico local time"),
        Column("forma_de_pago_p", TEXT, "FormaDePagoP code"),
        Column("moneda_p", TEXT, "currency of the payment"),
        Column("tipo_cambio_p", RATE, "MXN per unit of moneda_p; null means 1"),
        Column("monto", MONEY, "amount paid in moneda_p"),
        Column("monto_mxn", MONEY, "monto × coalesce(tipo_cambio_p, 1)"),
        Column("num_operacion", TEXT, "bank operation number"),
        Column("rfc_emisor_cta_ord", TEXT, "RFC of the payer's bank"),
        Column("nom_banco_ord_ext", TEXT, "payer's foreign bank name"),
        Column("cta_ordenante", TEXT, "payer's account"),
        Column("rfc_emisor_cta_ben", TEXT, "RFC of the payee's bank"),
        Column("cta_beneficiario", TEXT, "payee's account"),
        Column("tipo_cad_pago", TEXT, "type of payment chain (SPEI)"),
    ),
    key=("uuid", "numero_pago"),
)

PAGOS_TOTALES = Table(
    name="pagos_totales",
    meaning="Pagos 2.0 Totales: one row per P document, amounts in MXN",
    columns=(
        _UUID,
        Column("monto_total_pagos", MONEY, "sum of the payments in MXN"),
        Column("total_retenciones_iva", MONEY, "withheld IVA"),
        Column("total_retenciones_isr", MONEY, "withheld ISR"),
        Column("total_retenciones_ieps", MONEY, "withheld IEPS"),
        Column("total_traslados_base_iva16", MONEY, "base of IVA at 16%"),
        Column("total_traslados_impuesto_iva16", MONEY, "IVA at 16%"),
        Column("total_traslados_base_iva8", MONEY, "base of IVA at 8%"),
        Column("total_traslados_impuesto_iva8", MONEY, "IVA at 8%"),
        Column("total_traslados_base_iva0", MONEY, "base of IVA at 0%"),
        Column("total_traslados_impuesto_iva0", MONEY, "IVA at 0%"),
        Column("total_traslados_base_iva_exento", MONEY, "base exempt from IVA"),
    ),
    key=("uuid",),
)

PAGOS_DOCUMENTOS = Table(
    name="pagos_documentos",
    meaning="one row per paid invoice (DoctoRelacionado) of a payment: how much of which invoice was paid",
    columns=(
        _UUID,
        Column("numero_pago", INT, "pagos.numero_pago of the payment", nullable=False),
        Column("numero", INT, "position of the paid invoice within its payment, from 1", nullable=False),
        Column("id_documento", UUID, "UUID of the invoice being paid, lower case"),
        Column("serie", TEXT, "series of the invoice being paid"),
        Column("folio", TEXT, "folio of the invoice being paid"),
        Column("moneda_dr", TEXT, "currency of the invoice being paid"),
        Column(
            "equivalencia_dr",
            RATE,
            "units of moneda_dr per unit of moneda_p (2.0 EquivalenciaDR, 1.0 TipoCambioDR); null means 1",
        ),
        Column("metodo_de_pago_dr", TEXT, "Pagos 1.0 MetodoDePagoDR"),
        Column("num_parcialidad", INT, "instalment number"),
        Column("imp_saldo_ant", MONEY, "balance before this payment, in moneda_dr"),
        Column("imp_pagado", MONEY, "amount paid, in moneda_dr (in moneda_p: imp_pagado / equivalencia_dr)"),
        Column("imp_saldo_insoluto", MONEY, "balance left after this payment, in moneda_dr"),
        Column("objeto_imp_dr", TEXT, "Pagos 2.0 ObjetoImpDR"),
    ),
    key=("uuid", "numero_pago", "numero"),
)

PAGOS_IMPUESTOS = Table(
    name="pagos_impuestos",
    meaning="one row per tax line of a payment: per paid invoice (ImpuestosDR) or per payment (ImpuestosP)",
    columns=(
        _UUID,
        Column("numero", INT, "position of this tax line in the document, from 1", nullable=False),
        Column("numero_pago", INT, "pagos.numero_pago of the payment", nullable=False),
        Column("documento_numero", INT, "pagos_documentos.numero for nivel 'documento', else null"),
        Column("nivel", TEXT, "'documento' (ImpuestosDR, in moneda_dr) or 'pago' (ImpuestosP, in moneda_p)"),
        Column("tipo", TEXT, "'traslado' or 'retencion'", nullable=False),
        Column("base", MONEY, "taxable base"),
        Column("impuesto", TEXT, "tax code: 001 ISR, 002 IVA, 003 IEPS"),
        Column("tipo_factor", TEXT, "Tasa, Cuota or Exento"),
        Column("tasa_o_cuota", RATE, "rate as a fraction or fee"),
        Column("importe", MONEY, "tax amount; null for Exento"),
    ),
    key=("uuid", "numero"),
)

NOMINAS = Table(
    name="nominas",
    meaning="one row per payroll complement (Nómina 1.2, or the 1.1 header) in an N document",
    columns=(
        _UUID,
        Column("numero", INT, "position of the Nomina complement in the document, from 1", nullable=False),
        Column("version_nomina", TEXT, "1.2 or 1.1"),
        Column("tipo_nomina", TEXT, "O ordinary, E extraordinary"),
        Column("fecha_pago", DATE, "pay date"),
        Column("fecha_inicial_pago", DATE, "first day paid"),
        Column("fecha_final_pago", DATE, "last day paid"),
        Column("num_dias_pagados", QUANTITY, "days paid"),
        Column("total_percepciones", MONEY, "total earnings"),
        Column("total_deducciones", MONEY, "total deductions"),
        Column("total_otros_pagos", MONEY, "total other payments (subsidy…)"),
        Column("total_sueldos", MONEY, "Percepciones TotalSueldos"),
        Column("total_gravado", MONEY, "Percepciones TotalGravado (taxable earnings)"),
        Column("total_exento", MONEY, "Percepciones TotalExento (exempt earnings)"),
        Column("total_otras_deducciones", MONEY, "Deducciones TotalOtrasDeducciones"),
        Column("total_impuestos_retenidos", MONEY, "Deducciones TotalImpuestosRetenidos (withheld ISR)"),
        Column("registro_patronal", TEXT, "employer's social security registration"),
        Column("curp", TEXT, "employee's CURP"),
        Column("num_seguridad_social", TEXT, "employee's social security number"),
        Column("num_empleado", TEXT, "employee number"),
        Column("departamento", TEXT, "department"),
        Column("puesto", TEXT, "position"),
        Column("tipo_contrato", TEXT, "contract type code"),
        Column("tipo_jornada", TEXT, "working-day type code"),
        Column("tipo_regimen", TEXT, "regime code"),
        Column("periodicidad_pago", TEXT, "pay frequency code"),
        Column("riesgo_puesto", TEXT, "job risk class"),
        Column("fecha_inicio_rel_laboral", DATE, "start of employment"),
        Column("antiguedad", TEXT, "seniority as written (ISO 8601 duration in 1.2)"),
        Column("sindicalizado", TEXT, "unionised: Sí/No"),
        Column("banco", TEXT, "bank code"),
        Column("cuenta_bancaria", TEXT, "account (1.1: CLABE)"),
        Column("salario_base_cot_apor", MONEY, "base salary for contributions"),
        Column("salario_diario_integrado", MONEY, "integrated daily salary"),
        Column("clave_ent_fed", TEXT, "state where the work is done"),
    ),
    key=("uuid", "numero"),
)

NOMINA_LINEAS = Table(
    name="nomina_lineas",
    meaning="one row per payroll line: percepción, deducción, otro pago or incapacidad (Nómina 1.2)",
    columns=(
        _UUID,
        Column("numero", INT, "position of this line in the document, from 1", nullable=False),
        Column("nomina_numero", INT, "nominas.numero of its complement", nullable=False),
        Column("tipo_linea", TEXT, "'percepcion', 'deduccion', 'otro_pago' or 'incapacidad'", nullable=False),
        Column("tipo", TEXT, "TipoPercepcion / TipoDeduccion / TipoOtroPago / TipoIncapacidad code"),
        Column("clave", TEXT, "employer's own key"),
        Column("concepto", TEXT, "description"),
        Column("importe_gravado", MONEY, "taxable amount (percepciones)"),
        Column("importe_exento", MONEY, "exempt amount (percepciones)"),
        Column("importe", MONEY, "amount (deducciones, otros pagos; incapacidades ImporteMonetario)"),
        Column("subsidio_causado", MONEY, "SubsidioAlEmpleo SubsidioCausado of an otro pago"),
        Column("dias_incapacidad", INT, "days of disability (incapacidades)"),
    ),
    key=("uuid", "numero"),
)

CFDI_TABLES: tuple[Table, ...] = (
    COMPROBANTES,
    CONCEPTOS,
    IMPUESTOS,
    IMPUESTOS_LOCALES,
    CFDI_RELACIONADOS,
    PAGOS,
    PAGOS_TOTALES,
    PAGOS_DOCUMENTOS,
    PAGOS_IMPUESTOS,
    NOMINAS,
    NOMINA_LINEAS,
)
