"""Calidad de datos: last load, metadata without XML and the reverse, rejects, pending SAT requests."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, pesos, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.calidad(ctx.fuente, ctx.filtros)
st.title("Calidad de datos")
cifras = datos["cifras"].row(0, named=True)
arriba = st.columns(5)
for lugar, (etiqueta, columna) in zip(
    arriba,
    (
        ("Meses cargados", "meses"),
        ("Metadata sin XML", "sin_xml"),
        ("XML sin metadata", "sin_metadata"),
        ("Rechazos", "rechazos"),
        ("Solicitudes pendientes", "solicitudes_pendientes"),
    ),
    strict=True,
):
    lugar.metric(etiqueta, pesos(cifras[columna]), border=True)
tabla(datos["mensual"], "calidad_mensual", titulo="Por RFC y mes")
tabla(datos["rechazos"], "rechazos_por_motivo", titulo="Rechazos por motivo")
if not datos["rechazos_load_files"].is_empty():
    st.subheader("Archivos rechazados por cfdi-etl load-files")
    st.caption("No pertenecen a ningún RFC ni mes cargado, así que ningún filtro los selecciona.")
    tabla(datos["rechazos_load_files"], "rechazos_load_files")
st.subheader("Solicitudes al SAT pendientes")
pendientes = datos["pendientes"]
if pendientes.is_empty():
    st.success("El SAT no tiene solicitudes pendientes (según la última publicación).")
else:
    atascadas = pendientes.filter(atascada=True).height
    if atascadas:
        st.warning(f"{atascadas} solicitud(es) llevan más de 72 horas sin terminar.")
    tabla(pendientes, "solicitudes_pendientes")
