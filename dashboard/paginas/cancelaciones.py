"""Cancelaciones: by month of emission and of cancellation, those after the month was loaded, in process."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, grafica, pesos, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.cancelaciones(ctx.fuente, ctx.filtros)
st.title("Cancelaciones")
cifras = datos["cifras"].row(0, named=True)
arriba = st.columns(3)
arriba[0].metric("Emitidas en el periodo y canceladas", pesos(cifras["emitidas_en_el_periodo"]), border=True)
arriba[1].metric("Canceladas en el periodo", pesos(cifras["canceladas_en_el_periodo"]), border=True)
arriba[2].metric("Canceladas después de cargar su mes", pesos(cifras["despues_de_cargar"]), border=True)
mensual = datos["mensual"]
grafica(mensual, "mes", ["documentos"], color="segun")
tabla(mensual, "cancelaciones_mensual", titulo="Por mes de emisión y de cancelación")
tabla(
    datos["despues_de_cargar"],
    "canceladas_despues_de_cargar",
    titulo="Canceladas después de cargado su mes (posiblemente después del cierre)",
)
st.header("Cancelaciones en proceso")
if "en_proceso" in datos:
    tabla(datos["en_proceso"], "cancelaciones_en_proceso")
else:
    st.info(
        "Esta copia del almacén no tiene aún la vista `cancelaciones_en_proceso` (el estado de cada CFDI "
        "consultado al SAT): aparecerá aquí cuando se publique un almacén que la tenga."
    )
