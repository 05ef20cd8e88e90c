"""Nómina y Retenciones: totals per month, per employee and per withholding type."""

from __future__ import annotations

import streamlit as st

from dashboard import consultas
from dashboard._presentacion import contexto, grafica, pesos, tabla

__all__: list[str] = []

ctx = contexto()
datos = consultas.nomina_retenciones(ctx.fuente, ctx.filtros)
st.title("Nómina y retenciones")
st.caption("En MXN. Nómina por fecha de pago; «emitidos» como patrón, «recibidos» como empleado.")
cifras = datos["cifras"].row(0, named=True)
arriba = [*st.columns(2), *st.columns(2)]
arriba[0].metric("Empleados", pesos(cifras["empleados"]), border=True)
arriba[1].metric("Nómina neta pagada", pesos(cifras["nomina_neta"]), border=True)
arriba[2].metric("Retenido como retenedor", pesos(cifras["retenido_como_retenedor"]), border=True)
arriba[3].metric("Retenido al RFC", pesos(cifras["retenido_al_rfc"]), border=True)
st.header("Nómina")
nomina = datos["nomina_mensual"]
grafica(nomina.filter(direction="emitidos"), "mes", ["percepciones", "deducciones", "neto"])
tabla(nomina, "nomina_mensual", titulo="Por mes")
tabla(datos["nomina_empleados"], "nomina_empleados", titulo="Por empleado")
st.header("Retenciones")
st.caption("«emitidos»: retenciones que el RFC hizo como retenedor; «recibidos»: las que le hicieron.")
retenciones = datos["retenciones_mensual"]
grafica(retenciones, "mes", ["monto_tot_ret"], color="direction")
tabla(retenciones, "retenciones_mensual", titulo="Por periodo (mes inicial)")
tabla(datos["retenciones_tipo"], "retenciones_tipo", titulo="Por clave de retención")
