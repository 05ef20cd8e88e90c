"""Every query the dashboard's pages run: selections from the warehouse's views with the filters' parameters.

One function per page, returning its tables by name; the pages present them and the benchmark
(bench/dashboard.py) times them. Figures are the views': queries only filter, add up across the chosen
RFCs and months, and round to the cent with the warehouse's own `centavos` macro.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard._filtros import Filtros
from dashboard._fuente import Fuente

__all__ = [
    "PAGINAS",
    "VISTAS_OPCIONALES",
    "Alcance",
    "alcance",
    "calidad",
    "cancelaciones",
    "clientes_proveedores",
    "cuentas",
    "documentos_iva",
    "iva",
    "nomina_retenciones",
    "resumen",
    "riesgo",
]

Tablas = dict[str, pl.DataFrame]

# Views other features add; pages say so when the published copy does not have them yet.
VISTAS_OPCIONALES = ("cancelaciones_en_proceso", "riesgo_69b", "riesgo_69")


@dataclass(frozen=True, slots=True)
class Alcance:
    """What the published copy holds: its loaded RFCs and months (empty when nothing was loaded)."""

    rfcs: tuple[str, ...]
    meses: tuple[date, ...]


def alcance(fuente: Fuente) -> Alcance:
    frame = fuente.consulta("SELECT rfc, month FROM meses_cargados ORDER BY month, rfc")
    return Alcance(
        rfcs=tuple(sorted(set(frame["rfc"].to_list()))),
        meses=tuple(sorted(set(frame["month"].to_list()))),
    )


def resumen(fuente: Fuente, f: Filtros) -> Tablas:
    donde, p = f.donde()
    tablas = {
        "mensual": fuente.consulta(
            f"""SELECT month AS mes,
                sum(ingresos_mxn) AS ingresos_mxn, sum(egresos_mxn) AS egresos_mxn,
                sum(iva_trasladado_devengado_mxn) AS iva_trasladado_devengado_mxn,
                sum(iva_acreditable_devengado_mxn) AS iva_acreditable_devengado_mxn,
                sum(iva_a_cargo_devengado_mxn) AS iva_a_cargo_devengado_mxn,
                sum(iva_trasladado_flujo_mxn) AS iva_trasladado_flujo_mxn,
                sum(iva_acreditable_flujo_mxn) AS iva_acreditable_flujo_mxn,
                sum(iva_a_cargo_flujo_mxn) AS iva_a_cargo_flujo_mxn,
                sum(documentos_emitidos)::BIGINT AS documentos_emitidos,
                sum(documentos_recibidos)::BIGINT AS documentos_recibidos,
                sum(cancelaciones)::BIGINT AS cancelaciones,
                sum(variacion_ingresos_mxn) AS variacion_ingresos_mxn,
                sum(variacion_egresos_mxn) AS variacion_egresos_mxn,
                sum(variacion_iva_a_cargo_devengado_mxn) AS variacion_iva_a_cargo_devengado_mxn,
                sum(variacion_iva_a_cargo_flujo_mxn) AS variacion_iva_a_cargo_flujo_mxn,
                sum(variacion_documentos_emitidos)::BIGINT AS variacion_documentos_emitidos,
                sum(variacion_documentos_recibidos)::BIGINT AS variacion_documentos_recibidos,
                sum(variacion_cancelaciones)::BIGINT AS variacion_cancelaciones
            FROM resumen_mensual WHERE {donde} GROUP BY month ORDER BY month""",  # noqa: S608
            p,
        )
    }
    if not f.en_mxn:
        tablas["por_moneda"] = fuente.consulta(
            f"""SELECT month AS mes, tipo, moneda, sum(documentos_i)::BIGINT AS documentos,
                sum(notas_de_credito)::BIGINT AS notas_de_credito, centavos(sum(neto)) AS neto
            FROM ingresos_egresos_mensuales WHERE {donde}
            GROUP BY month, tipo, moneda ORDER BY month, tipo, moneda""",  # noqa: S608
            p,
        )
    return tablas


def clientes_proveedores(fuente: Fuente, f: Filtros) -> Tablas:
    donde, p = f.donde()
    importe, moneda = ("importe_mxn", "'MXN'") if f.en_mxn else ("importe", "moneda")
    principales = f"""SELECT *,
            row_number() OVER (PARTITION BY tipo, moneda ORDER BY importe DESC, rfc_contraparte) AS lugar
        FROM (
            SELECT tipo, rfc_contraparte, any_value(nombre_contraparte) AS nombre_contraparte,
                {moneda} AS moneda, sum(documentos)::BIGINT AS documentos, sum({importe}) AS importe
            FROM contrapartes_mensual WHERE {donde} GROUP BY tipo, rfc_contraparte, {moneda}
        )
        QUALIFY lugar <= 10"""  # noqa: S608
    return {
        "cifras": fuente.consulta(
            f"""SELECT tipo, count(DISTINCT rfc_contraparte) AS contrapartes, sum(importe_mxn) AS importe_mxn
            FROM contrapartes_mensual WHERE {donde} GROUP BY tipo ORDER BY tipo""",  # noqa: S608
            p,
        ),
        "principales": fuente.consulta(f"{principales} ORDER BY tipo, moneda, lugar", p),
        "concentracion": fuente.consulta(
            f"""SELECT rfc, tipo, month AS mes, contrapartes, total_mxn, top1_mxn, top5_mxn, top10_mxn,
                participacion_top1, participacion_top5, participacion_top10
            FROM concentracion_mensual WHERE {donde} ORDER BY rfc, tipo, month""",  # noqa: S608
            p,
        ),
        "altas_bajas": fuente.consulta(
            f"""SELECT month AS mes, tipo, sum(activas)::BIGINT AS activas, sum(nuevas)::BIGINT AS nuevas,
                sum(perdidas)::BIGINT AS perdidas
            FROM contrapartes_altas_bajas WHERE {donde} GROUP BY month, tipo ORDER BY month, tipo""",  # noqa: S608
            p,
        ),
        # The five largest of each side, month by month.
        "tendencia": fuente.consulta(
            f"""WITH principales AS ({principales})
            SELECT c.month AS mes, c.tipo, c.rfc_contraparte, t.moneda, sum(c.{importe}) AS importe
            FROM (SELECT *, {moneda} AS moneda_elegida FROM contrapartes_mensual WHERE {donde}) AS c
            JOIN principales AS t
                ON t.tipo = c.tipo AND t.rfc_contraparte = c.rfc_contraparte AND t.moneda = c.moneda_elegida
            WHERE t.lugar <= 5
            GROUP BY ALL ORDER BY mes, c.tipo, c.rfc_contraparte""",  # noqa: S608
            [*p, *p],
        ),
    }


def cuentas(fuente: Fuente, f: Filtros) -> Tablas:
    donde, p = f.donde()
    saldo = "saldo_mxn" if f.en_mxn else "saldo"
    moneda = "'MXN'" if f.en_mxn else "moneda"
    return {
        "cifras": fuente.consulta(
            f"""SELECT tipo, count(*) AS facturas, sum(saldo_mxn) AS saldo_mxn
            FROM antiguedad_saldos WHERE {donde} GROUP BY tipo ORDER BY tipo""",  # noqa: S608
            p,
        ),
        "antiguedad": fuente.consulta(
            f"""SELECT tipo, tramo, {moneda} AS moneda, count(*) AS facturas, sum({saldo}) AS saldo
            FROM antiguedad_saldos WHERE {donde} GROUP BY ALL ORDER BY tipo, tramo, moneda""",  # noqa: S608
            p,
        ),
        "facturas": fuente.consulta(
            f"""SELECT rfc, tipo, uuid, serie, folio, fecha, rfc_contraparte, nombre_contraparte, moneda,
                total, saldo, saldo_mxn, dias, tramo
            FROM antiguedad_saldos WHERE {donde} ORDER BY tipo, dias DESC, uuid""",  # noqa: S608
            p,
        ),
        "dso_dpo": fuente.consulta(
            f"""SELECT month AS mes, tipo, sum(saldo_fin_mes_mxn) AS saldo_fin_mes_mxn,
                sum(facturado_mxn) AS facturado_mxn,
                CASE WHEN count(*) = 1 THEN any_value(dias) END AS dias
            FROM dso_dpo_mensual WHERE {donde} GROUP BY month, tipo ORDER BY month, tipo""",  # noqa: S608
            p,
        ),
    }


def documentos_iva(fuente: Fuente, f: Filtros, mes: date, base: str, lado: str) -> pl.DataFrame:
    """The documents behind one month's IVA figure on one basis ('devengado' or 'flujo') and side; in
    the document's currency too when the filter asks for it (the month's figures are MXN, as declared)."""
    original = "" if f.en_mxn else ", moneda, iva_trasladado, iva_retenido"
    return fuente.consulta(
        f"""SELECT rfc, month AS mes, direction, base, origen, uuid, numero_pago, fecha, metodo_pago,
            rfc_contraparte, iva_trasladado_mxn, iva_retenido_mxn{original}
        FROM iva_documentos
        WHERE list_contains(?::VARCHAR[], rfc) AND month = ? AND base = ? AND direction = ?
        ORDER BY fecha, uuid, numero_pago""",  # noqa: S608
        [list(f.rfcs), mes, base, lado],
    )


def iva(fuente: Fuente, f: Filtros) -> Tablas:
    """The months' figures, and the documents behind the last month's devengado IVA trasladado."""
    donde, p = f.donde()
    mensual = fuente.consulta(
        f"""SELECT month AS mes,
            sum(iva_trasladado_devengado_mxn) AS iva_trasladado_devengado_mxn,
            sum(iva_trasladado_flujo_mxn) AS iva_trasladado_flujo_mxn,
            sum(iva_acreditable_devengado_mxn) AS iva_acreditable_devengado_mxn,
            sum(iva_acreditable_flujo_mxn) AS iva_acreditable_flujo_mxn,
            sum(iva_a_cargo_devengado_mxn) AS iva_a_cargo_devengado_mxn,
            sum(iva_a_cargo_flujo_mxn) AS iva_a_cargo_flujo_mxn
        FROM resumen_mensual WHERE {donde} GROUP BY month ORDER BY month""",  # noqa: S608
        p,
    )
    tablas = {"mensual": mensual}
    if not mensual.is_empty():
        tablas["documentos"] = documentos_iva(fuente, f, mensual["mes"][-1], "devengado", "emitidos")
    return tablas


def nomina_retenciones(fuente: Fuente, f: Filtros) -> Tablas:
    donde, p = f.donde()
    periodo = "make_date(ejercicio, mes_ini, 1)"
    donde_ret, p_ret = f.donde(periodo)
    return {
        "cifras": fuente.consulta(
            f"""SELECT
                (SELECT count(DISTINCT rfc_empleado) FROM nomina_mensual
                    WHERE {donde} AND direction = 'emitidos') AS empleados,
                (SELECT centavos(sum(neto)) FROM nomina_mensual
                    WHERE {donde} AND direction = 'emitidos') AS nomina_neta,
                (SELECT centavos(sum(monto_tot_ret)) FROM retenciones_por_periodo
                    WHERE {donde_ret} AND direction = 'emitidos') AS retenido_como_retenedor,
                (SELECT centavos(sum(monto_tot_ret)) FROM retenciones_por_periodo
                    WHERE {donde_ret} AND direction = 'recibidos') AS retenido_al_rfc""",  # noqa: S608
            [*p, *p, *p_ret, *p_ret],
        ),
        "nomina_mensual": fuente.consulta(
            f"""SELECT month AS mes, direction, count(DISTINCT rfc_empleado) AS empleados,
                sum(recibos)::BIGINT AS recibos, centavos(sum(percepciones)) AS percepciones,
                centavos(sum(deducciones)) AS deducciones, centavos(sum(otros_pagos)) AS otros_pagos,
                centavos(sum(isr_retenido)) AS isr_retenido, centavos(sum(neto)) AS neto
            FROM nomina_mensual WHERE {donde} GROUP BY month, direction ORDER BY month, direction""",  # noqa: S608
            p,
        ),
        "nomina_empleados": fuente.consulta(
            f"""SELECT direction, rfc_empleado, any_value(nombre_empleado) AS nombre_empleado,
                sum(recibos)::BIGINT AS recibos, centavos(sum(percepciones)) AS percepciones,
                centavos(sum(deducciones)) AS deducciones, centavos(sum(isr_retenido)) AS isr_retenido,
                centavos(sum(neto)) AS neto
            FROM nomina_mensual WHERE {donde} GROUP BY direction, rfc_empleado
            ORDER BY direction, neto DESC, rfc_empleado""",  # noqa: S608
            p,
        ),
        "retenciones_mensual": fuente.consulta(
            f"""SELECT {periodo} AS mes, direction, sum(documentos)::BIGINT AS documentos,
                centavos(sum(monto_tot_operacion)) AS monto_tot_operacion,
                centavos(sum(monto_tot_ret)) AS monto_tot_ret
            FROM retenciones_por_periodo WHERE {donde_ret} GROUP BY ALL ORDER BY mes, direction""",  # noqa: S608
            p_ret,
        ),
        "retenciones_tipo": fuente.consulta(
            f"""SELECT direction, cve_retenc, sum(documentos)::BIGINT AS documentos,
                centavos(sum(monto_tot_operacion)) AS monto_tot_operacion,
                centavos(sum(monto_tot_ret)) AS monto_tot_ret, centavos(sum(isr_retenido)) AS isr_retenido,
                centavos(sum(iva_retenido)) AS iva_retenido, centavos(sum(ieps_retenido)) AS ieps_retenido
            FROM retenciones_por_periodo WHERE {donde_ret} GROUP BY ALL ORDER BY direction, cve_retenc""",  # noqa: S608
            p_ret,
        ),
    }


def _opcional(fuente: Fuente, vista: str, f: Filtros) -> pl.DataFrame | None:
    """The chosen RFCs' rows of a view another feature adds, or None while the copy lacks it."""
    if not fuente.existe(vista):
        return None
    if "rfc" not in fuente.columnas(vista):
        return fuente.consulta(f"SELECT * FROM {vista}")  # noqa: S608
    return fuente.consulta(f"SELECT * FROM {vista} WHERE list_contains(?::VARCHAR[], rfc)", [list(f.rfcs)])  # noqa: S608


def cancelaciones(fuente: Fuente, f: Filtros) -> Tablas:
    donde, p = f.donde()
    tablas = {
        "cifras": fuente.consulta(
            f"""SELECT
                coalesce(sum(documentos) FILTER (WHERE segun = 'emision'), 0)::BIGINT
                    AS emitidas_en_el_periodo,
                coalesce(sum(documentos) FILTER (WHERE segun = 'cancelacion'), 0)::BIGINT
                    AS canceladas_en_el_periodo,
                coalesce(sum(despues_de_cargar) FILTER (WHERE segun = 'emision'), 0)::BIGINT
                    AS despues_de_cargar
            FROM cancelaciones_mensual WHERE {donde}""",  # noqa: S608
            p,
        ),
        "mensual": fuente.consulta(
            f"""SELECT month AS mes, segun, sum(documentos)::BIGINT AS documentos, sum(monto) AS monto,
                sum(despues_de_cargar)::BIGINT AS despues_de_cargar
            FROM cancelaciones_mensual WHERE {donde} GROUP BY month, segun ORDER BY month, segun""",  # noqa: S608
            p,
        ),
        "despues_de_cargar": fuente.consulta(
            f"""SELECT rfc, month AS mes, direction, uuid, rfc_emisor, rfc_receptor, efecto_comprobante,
                fecha_emision, centavos(monto) AS monto, fecha_cancelacion, cancelacion_vista_desde,
                mes_cargado_desde
            FROM cancelaciones WHERE {donde} AND cancelado_despues_de_cargar
            ORDER BY cancelacion_vista_desde DESC, uuid""",  # noqa: S608
            p,
        ),
    }
    en_proceso = _opcional(fuente, "cancelaciones_en_proceso", f)
    if en_proceso is not None:
        tablas["en_proceso"] = en_proceso
    return tablas


# Each risk view and the list family it crosses: a view over a list never loaded answers nothing, which
# must read "no list loaded", not "no counterparty listed".
_LISTA_DE = {"riesgo_69b": "69-B", "riesgo_69": "69"}


def riesgo(fuente: Fuente, f: Filtros) -> Tablas:
    cargadas: set[str] = set()
    if fuente.existe("listas_cargadas"):
        cargadas = set(fuente.consulta("SELECT familia FROM listas_cargadas")["familia"])
    tablas: Tablas = {}
    for vista, familia in _LISTA_DE.items():
        frame = _opcional(fuente, vista, f) if familia in cargadas else None
        if frame is not None:
            tablas[vista] = frame
    return tablas


def calidad(fuente: Fuente, f: Filtros) -> Tablas:
    donde, p = f.donde()
    return {
        "cifras": fuente.consulta(
            f"""SELECT count(*) AS meses, coalesce(sum(sin_xml), 0)::BIGINT AS sin_xml,
                coalesce(sum(sin_metadata), 0)::BIGINT AS sin_metadata,
                coalesce(sum(rechazos), 0)::BIGINT AS rechazos,
                coalesce(sum(solicitudes_pendientes), 0)::BIGINT AS solicitudes_pendientes
            FROM calidad_mensual WHERE {donde}""",  # noqa: S608
            p,
        ),
        "mensual": fuente.consulta(
            f"""SELECT rfc, month AS mes, ultima_carga, cargas_fallidas, sin_xml, sin_metadata, rechazos,
                solicitudes_pendientes
            FROM calidad_mensual WHERE {donde} ORDER BY rfc, month""",  # noqa: S608
            p,
        ),
        "rechazos": fuente.consulta(
            f"""SELECT origen, motivo, sum(registros)::BIGINT AS registros
            FROM rechazos_por_motivo WHERE {donde} GROUP BY ALL ORDER BY registros DESC, origen, motivo""",  # noqa: S608
            p,
        ),
        # load-files keeps what it refused in a partition of no RFC or month, so no filter selects it.
        "rechazos_load_files": fuente.consulta(
            """SELECT origen, motivo, sum(registros)::BIGINT AS registros
            FROM rechazos_por_motivo WHERE es_rfc_de_rechazos(rfc)
            GROUP BY ALL ORDER BY registros DESC, origen, motivo"""
        ),
        "pendientes": fuente.consulta(
            f"""SELECT rfc, month AS mes, servicio, direction, tipo_solicitud, estado, id_solicitud,
                enviada, edad_horas, atascada, instantanea
            FROM solicitudes_pendientes WHERE {donde} ORDER BY edad_horas DESC, rfc, month""",  # noqa: S608
            p,
        ),
    }


# Page -> its queries, in the order the navigation shows the pages.
PAGINAS: dict[str, Callable[[Fuente, Filtros], Tablas]] = {
    "resumen": resumen,
    "clientes_proveedores": clientes_proveedores,
    "cuentas": cuentas,
    "iva": iva,
    "nomina_retenciones": nomina_retenciones,
    "cancelaciones": cancelaciones,
    "riesgo": riesgo,
    "calidad": calidad,
}
