"""Riesgo: counterparties on SAT's 69-B and 69 lists, with the amounts involved."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, tabla

__all__: list[str] = []

_LISTAS = {
    "riesgo_69b": "Artículo 69-B (operaciones simuladas, EFOS)",
    "riesgo_69": "Artículo 69 (contribuyentes incumplidos)",
}

ctx = contexto()
datos = consultas.riesgo(ctx.fuente, ctx.filtros)
st.title("Riesgo")
for vista, titulo in _LISTAS.items():
    st.header(titulo)
    if vista not in datos:
        st.info(
            "No hay lista cargada: cargue las listas del SAT (`cfdi-etl lists fetch`, o `cfdi-etl "
            f"lists load` con los archivos descargados); `{vista}` aparecerá aquí al publicarse el almacén."
        )
    elif datos[vista].is_empty():
        st.success("Ninguna contraparte de los RFC elegidos aparece en la lista cargada.")
    else:
        tabla(datos[vista], vista)
