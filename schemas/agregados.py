"""Summary tables: the rows of the analyst views that add up every document, stored so readers need not.

Each `agregado_<view>` holds exactly what the view `<view>` computes (same columns, same types), for every
loaded RFC (for estatus_actual, every UUID). The warehouse recomputes an RFC's rows whenever a load touched
that RFC (or a status of a document it holds) since the last recompute, and a UUID's status whenever a
load or status check wrote its history, at each publish, in one transaction; the published copy's
view then reads the table (warehouse/_agregados.py). `agregados_reflejados` lists the loads and status
checks each table already reflects.
"""

from __future__ import annotations

import polars as pl

from schemas._contract import Column, Kind, Table
from schemas._kinds import BOOL, DATE, INT, TEXT, TIMESTAMP, UUID

__all__ = ["AGREGADOS", "AGREGADOS_REFLEJADOS", "AGREGADO_TABLES", "PREFIJO"]

# Money as the views present it: MXN (or the document's currency) rounded to the cent.
_CENTAVOS = Kind("cents", pl.Decimal(18, 2), "DECIMAL(18,2)")
_DIAS = Kind("days", pl.Decimal(9, 1), "DECIMAL(9,1)")

PREFIJO = "agregado_"


def _c(name: str, kind: Kind, meaning: str) -> Column:
    return Column(name, kind, meaning)


_RFC = _c("rfc", TEXT, "the loaded RFC")
_MONTH = _c("month", DATE, "first day of the month")
_DIRECTION = _c("direction", TEXT, "'emitidos' or 'recibidos'")


def _agregado(view: str, columns: tuple[Column, ...], key: tuple[str, ...]) -> Table:
    grain = "loaded RFC" if key[0] == "rfc" else "UUID"
    return Table(
        name=PREFIJO + view,
        meaning=(
            f"the rows of the view {view}, stored per {grain} and recomputed at each publish for the "
            f"{grain}s a load or status check touched since; the published copy's {view} reads this table"
        ),
        columns=columns,
        key=key,
        partitioned=False,
    )


_CONSULTA = "the status service's newest answer: "
_ESTATUS = (
    "estatus_actual",
    (
        _c("uuid", UUID, "the document"),
        _c("estatus", TEXT, "'vigente', 'cancelado' or 'no_encontrado'"),
        _c("fecha_cancelacion", TIMESTAMP, "when SAT cancelled it"),
        _c("cancelacion_vista_desde", TIMESTAMP, "when the warehouse first saw the cancellation"),
        _c("visto_desde", TIMESTAMP, "when the warehouse first saw the UUID"),
        _c("estado_consulta", TEXT, _CONSULTA + "Estado"),
        _c("es_cancelable", TEXT, _CONSULTA + "EsCancelable"),
        _c("estatus_cancelacion", TEXT, _CONSULTA + "EstatusCancelacion"),
        _c("validacion_efos", TEXT, _CONSULTA + "ValidacionEFOS"),
        _c("consultado_en", TIMESTAMP, "when the status service last answered"),
    ),
    ("uuid",),
)

_IE = (
    "ingresos_egresos_mensuales",
    (
        _RFC,
        _MONTH,
        _c("tipo", TEXT, "'ingresos' (issued) or 'egresos' (received)"),
        _c("moneda", TEXT, "the documents' currency"),
        _c("documentos_i", INT, "ingreso documents"),
        _c("notas_de_credito", INT, "egreso documents (credit notes)"),
        _c("importe_i", _CENTAVOS, "importe of the ingreso documents, in moneda"),
        _c("importe_e", _CENTAVOS, "importe of the credit notes, in moneda"),
        _c("neto", _CENTAVOS, "importe_i - importe_e, in moneda"),
        _c("neto_mxn", _CENTAVOS, "the same in MXN"),
        _c("total_neto", _CENTAVOS, "totals (with taxes), credit notes subtracting, in moneda"),
        _c("total_neto_mxn", _CENTAVOS, "the same in MXN"),
    ),
    ("rfc", "month", "tipo", "moneda"),
)

_SALDOS = (
    "saldos_ppd",
    (
        _RFC,
        _c("tipo", TEXT, "'por_cobrar' (issued) or 'por_pagar' (received)"),
        _c("uuid", UUID, "the PPD invoice"),
        _c("serie", TEXT, "its Serie"),
        _c("folio", TEXT, "its Folio"),
        _c("fecha", TIMESTAMP, "its date of emission"),
        _MONTH,
        _c("rfc_contraparte", TEXT, "the client or supplier"),
        _c("nombre_contraparte", TEXT, "their name"),
        _c("moneda", TEXT, "the invoice's currency"),
        _c("total", _CENTAVOS, "the invoice total, in moneda"),
        _c("pagado", _CENTAVOS, "what payment receipts applied to it, in moneda"),
        _c("saldo", _CENTAVOS, "total - pagado, in moneda"),
        _c("saldo_mxn", _CENTAVOS, "the same in MXN at the invoice's exchange rate"),
        _c("pagos", INT, "payment receipts applied"),
        _c("ultima_fecha_pago", TIMESTAMP, "the latest payment date"),
        _c("ultimo_saldo_insoluto", _CENTAVOS, "ImpSaldoInsoluto of the latest instalment"),
        _c("saldo_cuadra", BOOL, "whether that agrees with saldo"),
    ),
    ("rfc", "tipo", "uuid"),
)

_NOMINA = (
    "nomina_mensual",
    (
        _RFC,
        _DIRECTION,
        _MONTH,
        _c("rfc_empleado", TEXT, "the employee's RFC"),
        _c("curp", TEXT, "the employee's CURP"),
        _c("nombre_empleado", TEXT, "their name"),
        _c("num_empleado", TEXT, "NumEmpleado"),
        _c("departamento", TEXT, "Departamento"),
        _c("puesto", TEXT, "Puesto"),
        _c("recibos", INT, "payroll receipts"),
        _c("percepciones", _CENTAVOS, "TotalPercepciones"),
        _c("percepciones_gravadas", _CENTAVOS, "TotalGravado"),
        _c("percepciones_exentas", _CENTAVOS, "TotalExento"),
        _c("deducciones", _CENTAVOS, "TotalDeducciones"),
        _c("otros_pagos", _CENTAVOS, "TotalOtrosPagos"),
        _c("isr_retenido", _CENTAVOS, "TotalImpuestosRetenidos"),
        _c("subsidio_causado", _CENTAVOS, "SubsidioCausado of the otros pagos"),
        _c("neto", _CENTAVOS, "percepciones + otros pagos - deducciones"),
    ),
    ("rfc", "direction", "month", "rfc_empleado", "curp"),
)

_RETENCIONES = (
    "retenciones_por_periodo",
    (
        _RFC,
        _DIRECTION,
        _c("ejercicio", INT, "the fiscal year"),
        _c("mes_ini", INT, "first month of the period"),
        _c("mes_fin", INT, "last month of the period"),
        _c("cve_retenc", TEXT, "the withholding's type (CveRetenc)"),
        _c("documentos", INT, "Retenciones documents"),
        _c("monto_tot_operacion", _CENTAVOS, "MontoTotOperacion"),
        _c("monto_tot_grav", _CENTAVOS, "MontoTotGrav"),
        _c("monto_tot_exent", _CENTAVOS, "MontoTotExent"),
        _c("monto_tot_ret", _CENTAVOS, "MontoTotRet"),
        _c("isr_retenido", _CENTAVOS, "ISR withheld"),
        _c("iva_retenido", _CENTAVOS, "IVA withheld"),
        _c("ieps_retenido", _CENTAVOS, "IEPS withheld"),
    ),
    ("rfc", "direction", "ejercicio", "mes_ini", "mes_fin", "cve_retenc"),
)

_CANCELACIONES = (
    "cancelaciones",
    (
        _RFC,
        _DIRECTION,
        _MONTH,
        _c("uuid", UUID, "the document"),
        _c("rfc_emisor", TEXT, "its issuer"),
        _c("nombre_emisor", TEXT, "the issuer's name"),
        _c("rfc_receptor", TEXT, "its receiver"),
        _c("nombre_receptor", TEXT, "the receiver's name"),
        _c("efecto_comprobante", TEXT, "its type (I, E, P, N, T)"),
        _c("fecha_emision", TIMESTAMP, "when it was issued"),
        _c("monto", _CENTAVOS, "its total, in its currency"),
        _c("estatus", TEXT, "its current status"),
        _c("estatus_cancelacion", TEXT, "the status service's EstatusCancelacion"),
        _c("es_cancelable", TEXT, "the status service's EsCancelable"),
        _c("fecha_cancelacion", TIMESTAMP, "when SAT cancelled it"),
        _c("cancelacion_vista_desde", TIMESTAMP, "when the warehouse first saw the cancellation"),
        _c("mes_cargado_desde", TIMESTAMP, "when its month's statuses were first loaded"),
        _c("cancelado_despues_de_cargar", BOOL, "cancellation seen after that"),
        _c("consultado_en", TIMESTAMP, "the status service's newest answer"),
    ),
    ("rfc", "uuid"),
)

_CONCILIACION = (
    "conciliacion",
    (
        _RFC,
        _DIRECTION,
        _MONTH,
        _c("uuid", UUID, "the document"),
        _c("falta", TEXT, "'xml' or 'metadata': what is missing"),
        _c("fecha", TIMESTAMP, "its date of emission"),
        _c("importe", _CENTAVOS, "the metadata's monto or the XML's total"),
    ),
    ("rfc", "direction", "uuid", "falta"),
)

_CONTRAPARTES = (
    "contrapartes_mensual",
    (
        _RFC,
        _c("tipo", TEXT, "'cliente' or 'proveedor'"),
        _MONTH,
        _c("rfc_contraparte", TEXT, "the counterparty"),
        _c("nombre_contraparte", TEXT, "its name"),
        _c("moneda", TEXT, "the documents' currency"),
        _c("documentos", INT, "ingreso and egreso documents"),
        _c("importe", _CENTAVOS, "their importe, credit notes subtracting, in moneda"),
        _c("importe_mxn", _CENTAVOS, "the same in MXN"),
    ),
    ("rfc", "tipo", "month", "rfc_contraparte", "moneda"),
)

_ANTERIOR = "the previous calendar month's figure"
_VARIACION = "the difference against the previous month"
_RESUMEN = (
    "resumen_mensual",
    (
        _RFC,
        _MONTH,
        _c("ingresos_mxn", _CENTAVOS, "importe of the documents issued"),
        _c("egresos_mxn", _CENTAVOS, "importe of the documents received"),
        _c("iva_trasladado_devengado_mxn", _CENTAVOS, "IVA charged, accrual basis"),
        _c("iva_acreditable_devengado_mxn", _CENTAVOS, "IVA creditable, accrual basis"),
        _c("iva_a_cargo_devengado_mxn", _CENTAVOS, "trasladado - acreditable, accrual basis"),
        _c("iva_trasladado_flujo_mxn", _CENTAVOS, "IVA charged, cash basis"),
        _c("iva_acreditable_flujo_mxn", _CENTAVOS, "IVA creditable, cash basis"),
        _c("iva_a_cargo_flujo_mxn", _CENTAVOS, "trasladado - acreditable, cash basis"),
        _c("documentos_emitidos", INT, "vigente documents issued"),
        _c("documentos_recibidos", INT, "vigente documents received"),
        _c("cancelaciones", INT, "cancellations by month of emission"),
        _c("ingresos_anterior_mxn", _CENTAVOS, _ANTERIOR),
        _c("egresos_anterior_mxn", _CENTAVOS, _ANTERIOR),
        _c("iva_a_cargo_devengado_anterior_mxn", _CENTAVOS, _ANTERIOR),
        _c("iva_a_cargo_flujo_anterior_mxn", _CENTAVOS, _ANTERIOR),
        _c("documentos_emitidos_anterior", INT, _ANTERIOR),
        _c("documentos_recibidos_anterior", INT, _ANTERIOR),
        _c("cancelaciones_anterior", INT, _ANTERIOR),
        _c("variacion_ingresos_mxn", _CENTAVOS, _VARIACION),
        _c("variacion_egresos_mxn", _CENTAVOS, _VARIACION),
        _c("variacion_iva_a_cargo_devengado_mxn", _CENTAVOS, _VARIACION),
        _c("variacion_iva_a_cargo_flujo_mxn", _CENTAVOS, _VARIACION),
        _c("variacion_documentos_emitidos", INT, _VARIACION),
        _c("variacion_documentos_recibidos", INT, _VARIACION),
        _c("variacion_cancelaciones", INT, _VARIACION),
    ),
    ("rfc", "month"),
)

_DSO_DPO = (
    "dso_dpo_mensual",
    (
        _RFC,
        _c("tipo", TEXT, "'por_cobrar' (DSO) or 'por_pagar' (DPO)"),
        _MONTH,
        _c("saldo_fin_mes_mxn", _CENTAVOS, "what the PPD invoices still owed at the month's end"),
        _c("facturado_mxn", _CENTAVOS, "the month's ingreso invoices"),
        _c("pagado_mxn", _CENTAVOS, "payments applied in the month"),
        _c("dias", _DIAS, "saldo_fin_mes_mxn / facturado_mxn x days of the month"),
    ),
    ("rfc", "tipo", "month"),
)

_DOCS = "ingreso and egreso CFDI with the counterparty (credit notes negative)"
_RIESGO = (
    _RFC,
    _c("direction", TEXT, "'recibidos' (a supplier) or 'emitidos' (a customer)"),
    _c("contraparte", TEXT, "the listed counterparty's RFC"),
)
_RIESGO_DOCS = (
    _c("documentos", INT, _DOCS),
    _c("primer_documento", TIMESTAMP, "the first one's date"),
    _c("ultimo_documento", TIMESTAMP, "the last one's date"),
    _c("total_mxn", _CENTAVOS, "their totals in MXN"),
    _c("iva_trasladado_mxn", _CENTAVOS, "their IVA trasladado in MXN"),
)


def _momento(prefix: str, words: str) -> tuple[Column, ...]:
    return (
        _c(f"documentos_{prefix}", INT, f"documents dated {words}"),
        _c(f"total_{prefix}_mxn", _CENTAVOS, f"their totals in MXN ({words})"),
        _c(f"iva_{prefix}_mxn", _CENTAVOS, f"their IVA trasladado in MXN ({words})"),
    )


_RIESGO_69B = (
    "riesgo_69b",
    (
        *_RIESGO,
        _c("nombre", TEXT, "its name on the list"),
        _c("situacion", TEXT, "Presunto, Desvirtuado, Definitivo or Sentencia Favorable"),
        _c("presuncion_oficio_sat", TEXT, "SAT's notice of presumption: the proceeding"),
        _c("fecha_presuncion", DATE, "when the presumption was first published"),
        _c("fecha_desvirtuado", DATE, "when it was first published as desvirtuado"),
        _c("fecha_definitivo", DATE, "when it was first published as definitivo"),
        _c("fecha_sentencia_favorable", DATE, "when the favourable ruling was first published"),
        _c("fecha_lista", DATE, "the list's date"),
        *_RIESGO_DOCS,
        *_momento("antes_presuncion", "before the presumption"),
        *_momento("despues_presuncion", "on or after the presumption"),
        *_momento("despues_definitivo", "on or after the definitive publication"),
    ),
    ("rfc", "direction", "contraparte", "presuncion_oficio_sat"),
)

_RIESGO_69 = (
    "riesgo_69",
    (
        *_RIESGO,
        _c("razon_social", TEXT, "its name on the list"),
        _c("lista", TEXT, "which Art. 69 list"),
        _c("supuestos", TEXT, "the list's supuestos for it"),
        _c("registros", INT, "its records on that list"),
        _c("fecha_primera_publicacion", DATE, "when it was first published"),
        _c("fecha_lista", DATE, "the list's date"),
        *_RIESGO_DOCS,
        *_momento("antes_publicacion", "before the first publication"),
        *_momento("despues_publicacion", "on or after the first publication"),
    ),
    ("rfc", "direction", "contraparte", "lista"),
)

# Every stored view, in the order they are recomputed (the views' own creation order).
AGREGADOS: tuple[Table, ...] = tuple(
    _agregado(view, columns, key)
    for view, columns, key in (
        _ESTATUS,
        _IE,
        _SALDOS,
        _NOMINA,
        _RETENCIONES,
        _CANCELACIONES,
        _CONCILIACION,
        _CONTRAPARTES,
        _RESUMEN,
        _RIESGO_69B,
        _RIESGO_69,
        _DSO_DPO,
    )
)

AGREGADOS_REFLEJADOS = Table(
    name="agregados_reflejados",
    meaning=(
        "the loads (loads.load_id), status checks (estatus_historial.load_id) and SAT list files ('lista:' "
        "and listas_versiones.sha256) each summary table agregado_* already reflects; a publish recomputes "
        "what those not listed yet for a table touched (a list file: every RFC), then lists them"
    ),
    columns=(
        Column("load_id", TEXT, "a load, status check or list file reflected", nullable=False),
        Column("tabla", TEXT, "the summary table that reflects it"),
    ),
    key=("tabla", "load_id"),
    partitioned=False,
)

AGREGADO_TABLES: tuple[Table, ...] = (*AGREGADOS, AGREGADOS_REFLEJADOS)
