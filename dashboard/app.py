"""The dashboard's main script (`streamlit run dashboard/app.py`, or `cfdi-etl dashboard`): the published
copy, the filters in the sidebar, and the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard._filtros import MONEDA_MXN, MONEDA_ORIGINAL, Filtros
from dashboard._fuente import Fuente, SinCopiaPublicadaError, ruta_por_omision
from dashboard._presentacion import Contexto, mes
from dashboard.consultas import Alcance, alcance
from warehouse import WarehouseError

__all__: list[str] = []

_PAGINAS = Path(__file__).with_name("paginas")
_QUE_HACER = """
**Todavía no hay datos que mostrar.** El tablero lee la copia publicada del almacén:

`{ruta}`

Para tenerla:

- una demostración completa contra el sandbox local del SAT: `make demo` (o `cfdi-etl demo`);
- con sus propios datos: registre su RFC (`cfdi-etl rfc add ...`) y cargue meses con `cfdi-etl run`.

Cada carga publica una copia nueva y el tablero la toma sola: vuelva a abrir o recargue esta página.
"""


@st.cache_resource
def _fuente(ruta: str) -> Fuente:
    return Fuente(Path(ruta))


def _filtros(disponible: Alcance) -> Filtros:
    barra = st.sidebar
    barra.header("Filtros")
    rfc = barra.selectbox("RFC", ["Todos", *disponible.rfcs], key="rfc")
    meses = list(disponible.meses)
    desde = barra.selectbox("Desde", meses, index=0, format_func=mes, key="desde")
    hasta = barra.selectbox("Hasta", meses, index=len(meses) - 1, format_func=mes, key="hasta")
    if desde > hasta:
        barra.warning("«Desde» es posterior a «Hasta»: se muestran los meses entre ambos.")
        desde, hasta = hasta, desde
    moneda = barra.radio("Moneda", [MONEDA_MXN, MONEDA_ORIGINAL], key="moneda", horizontal=True)
    rfcs = disponible.rfcs if rfc in (None, "Todos") else (str(rfc),)
    return Filtros(rfcs=rfcs, desde=desde, hasta=hasta, moneda=str(moneda))


def _paginas() -> list[st.Page]:
    def page(archivo: str, titulo: str, icono: str, *, default: bool = False) -> st.Page:
        return st.Page(_PAGINAS / archivo, title=titulo, icon=icono, url_path=archivo[:-3], default=default)

    return [
        page("resumen.py", "Resumen", ":material/dashboard:", default=True),
        page("clientes_proveedores.py", "Clientes y proveedores", ":material/groups:"),
        page("cuentas.py", "Cuentas por cobrar y por pagar", ":material/account_balance:"),
        page("iva.py", "IVA", ":material/percent:"),
        page("nomina_retenciones.py", "Nómina y retenciones", ":material/badge:"),
        page("cancelaciones.py", "Cancelaciones", ":material/cancel:"),
        page("riesgo.py", "Riesgo", ":material/warning:"),
        page("calidad.py", "Calidad de datos", ":material/fact_check:"),
    ]


def main() -> None:
    st.set_page_config(page_title="CFDI · tablero", page_icon=":material/receipt_long:", layout="wide")
    navegacion = st.navigation(_paginas())
    ruta = ruta_por_omision()
    if ruta is None:
        st.info("Abra el tablero con `cfdi-etl dashboard`: esa orden le indica qué copia publicada leer.")
        return
    fuente = _fuente(str(ruta))
    try:
        disponible = alcance(fuente)
    except SinCopiaPublicadaError:
        st.info(_QUE_HACER.format(ruta=ruta))
        return
    except WarehouseError as error:
        st.error(f"No se puede leer la copia publicada: {error}")
        return
    if not disponible.meses:
        st.info(_QUE_HACER.format(ruta=ruta))
        return
    Contexto(fuente, _filtros(disponible)).guardar()
    st.sidebar.caption(f"Copia publicada: `{ruta}`")
    navegacion.run()


main()
