"""Resumen: the month at a glance (resumen_mensual), with the change against the previous month."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import cifra, contexto, grafica, mes, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.resumen(ctx.fuente, ctx.filtros)
mensual = datos["mensual"]
st.title("Resumen")
if mensual.is_empty():
    st.info("Sin datos en el periodo elegido.")
    st.stop()
ultimo = mensual.row(-1, named=True)
st.caption(
    f"Último mes del periodo: {mes(ultimo['mes'])}; variación contra el mes anterior. Importes en MXN."
)
cifras = (
    ("Ingresos", "ingresos_mxn"),
    ("Egresos", "egresos_mxn"),
    ("IVA a cargo (devengado)", "iva_a_cargo_devengado_mxn"),
    ("IVA a cargo (flujo)", "iva_a_cargo_flujo_mxn"),
    ("Documentos emitidos", "documentos_emitidos"),
    ("Documentos recibidos", "documentos_recibidos"),
    ("Cancelaciones", "cancelaciones"),
)
lugares = [*st.columns(3), *st.columns(3), *st.columns(3)]
for lugar, (etiqueta, columna) in zip(lugares, cifras, strict=False):
    cifra(lugar, etiqueta, ultimo[columna], ultimo[f"variacion_{columna}"])
grafica(mensual, "mes", ["ingresos_mxn", "egresos_mxn"])
tabla(mensual, "resumen_mensual", titulo="Por mes (MXN)")
if "por_moneda" in datos:
    tabla(datos["por_moneda"], "ingresos_egresos_por_moneda", titulo="Ingresos y egresos en su moneda")
