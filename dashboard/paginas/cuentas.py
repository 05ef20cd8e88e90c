"""Cuentas por cobrar y por pagar: open PPD invoices, their ageing, DSO and DPO per month."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, grafica, pesos, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.cuentas(ctx.fuente, ctx.filtros)
st.title("Cuentas por cobrar y por pagar")
st.caption(
    "Facturas PPD con saldo, descontados los complementos de pago; antigüedad a hoy desde la emisión. "
    "El periodo filtra por mes de emisión."
)
cifras = {fila["tipo"]: fila for fila in datos["cifras"].iter_rows(named=True)}
arriba = st.columns(2)
for lugar, (tipo, etiqueta) in zip(
    arriba, (("por_cobrar", "Por cobrar"), ("por_pagar", "Por pagar")), strict=True
):
    fila = cifras.get(tipo, {"facturas": 0, "saldo_mxn": None})
    lugar.metric(f"{etiqueta} (MXN)", pesos(fila["saldo_mxn"]), border=True)
    lugar.caption(f"{pesos(fila['facturas'])} facturas PPD con saldo")
antiguedad = datos["antiguedad"]
for tipo, titulo in (("por_cobrar", "Por cobrar"), ("por_pagar", "Por pagar")):
    st.header(titulo)
    tramos = antiguedad.filter(tipo=tipo)
    grafica(tramos, "tramo", ["saldo"], color="moneda" if not ctx.filtros.en_mxn else None)
    tabla(tramos, f"antiguedad_{tipo}", titulo="Antigüedad de saldos")
st.header("DSO y DPO (días)")
dso = datos["dso_dpo"]
grafica(dso, "mes", ["dias"], color="tipo", lineas=True)
tabla(dso, "dso_dpo", titulo="Saldo al cierre, facturado y días por mes (MXN)")
tabla(datos["facturas"], "facturas_con_saldo", titulo="Facturas con saldo")
