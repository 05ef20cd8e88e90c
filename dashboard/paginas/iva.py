"""IVA: devengado against flujo per month, with the documents behind each figure."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, grafica, mes, pesos, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.iva(ctx.fuente, ctx.filtros)
st.title("IVA")
st.caption(
    "Cifras del mes en MXN, como se declaran; con «Moneda original», los documentos muestran también su "
    "moneda y su IVA en ella. Devengado: por fecha de emisión. Flujo: facturas PUE y pagos (complementos) "
    "por fecha de pago."
)
mensual = datos["mensual"]
if not mensual.is_empty():
    ultimo = mensual.row(-1, named=True)
    arriba = st.columns(2)
    arriba[0].metric(
        f"IVA a cargo devengado {mes(ultimo['mes'])}", pesos(ultimo["iva_a_cargo_devengado_mxn"]), border=True
    )
    arriba[1].metric(
        f"IVA a cargo en flujo {mes(ultimo['mes'])}", pesos(ultimo["iva_a_cargo_flujo_mxn"]), border=True
    )
grafica(mensual, "mes", ["iva_a_cargo_devengado_mxn", "iva_a_cargo_flujo_mxn"])
tabla(mensual, "iva_mensual", titulo="Trasladado, acreditable y a cargo por mes")
st.header("Documentos detrás de cada cifra")
if mensual.is_empty():
    st.caption("Sin documentos con IVA en el periodo.")
    st.stop()
izquierda, centro, derecha = st.columns(3)
meses = mensual["mes"].to_list()
elegido = izquierda.selectbox("Mes", meses, index=len(meses) - 1, format_func=mes, key="iva_mes")
base = centro.radio("Base", ["devengado", "flujo"], horizontal=True, key="iva_base")
lado = derecha.radio(
    "Lado",
    ["emitidos", "recibidos"],
    format_func=lambda d: "Trasladado (emitidos)" if d == "emitidos" else "Acreditable (recibidos)",
    horizontal=True,
    key="iva_lado",
)
if (elegido, base, lado) == (meses[-1], "devengado", "emitidos"):
    documentos = datos["documentos"]
else:
    documentos = consultas.documentos_iva(ctx.fuente, ctx.filtros, elegido, str(base), str(lado))
tabla(documentos, f"iva_documentos_{base}_{lado}")
