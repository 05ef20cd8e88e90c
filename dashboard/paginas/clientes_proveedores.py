"""Clientes y proveedores: the largest counterparties, concentration, new and lost ones, their trend."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, grafica, pesos, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.clientes_proveedores(ctx.fuente, ctx.filtros)
st.title("Clientes y proveedores")
st.caption("Importe antes de impuestos (SubTotal - Descuento); las notas de crédito restan.")
cifras = {fila["tipo"]: fila for fila in datos["cifras"].iter_rows(named=True)}
arriba = [*st.columns(2), *st.columns(2)]
for lugar, (tipo, etiqueta) in enumerate((("cliente", "Clientes"), ("proveedor", "Proveedores"))):
    fila = cifras.get(tipo, {"contrapartes": 0, "importe_mxn": None})
    arriba[2 * lugar].metric(etiqueta, pesos(fila["contrapartes"]), border=True)
    arriba[2 * lugar + 1].metric(
        f"Importe con {etiqueta.lower()} (MXN)", pesos(fila["importe_mxn"]), border=True
    )
for tipo, titulo in (("cliente", "Clientes"), ("proveedor", "Proveedores")):
    st.header(titulo)
    principales = datos["principales"].filter(tipo=tipo)
    tabla(
        principales,
        f"principales_{tipo}",
        titulo=f"Los 10 mayores ({'MXN' if ctx.filtros.en_mxn else 'por moneda'})",
    )
    tendencia = datos["tendencia"].filter(tipo=tipo)
    if not tendencia.is_empty():
        st.subheader("Tendencia de los 5 mayores")
        grafica(tendencia, "mes", ["importe"], color="rfc_contraparte", lineas=True)
    tabla(
        datos["concentracion"].filter(tipo=tipo),
        f"concentracion_{tipo}",
        titulo="Concentración: participación de los 1, 5 y 10 mayores (MXN)",
    )
    altas = datos["altas_bajas"].filter(tipo=tipo)
    tabla(altas, f"altas_bajas_{tipo}", titulo="Nuevos y perdidos por mes")
    grafica(altas, "mes", ["nuevas", "perdidas"])
