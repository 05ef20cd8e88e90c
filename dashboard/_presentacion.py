"""How pages show what `consultas` returns: figures, charts and tables with their CSV and XLSX downloads."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.column_types import ColumnConfig

from dashboard._filtros import Filtros
from dashboard._fuente import Fuente

__all__ = ["Contexto", "cifra", "contexto", "grafica", "mes", "pesos", "tabla"]

_CLAVE = "cfdi_etl_contexto"


@dataclass(frozen=True, slots=True)
class Contexto:
    fuente: Fuente
    filtros: Filtros

    def guardar(self) -> None:
        st.session_state[_CLAVE] = self


def contexto() -> Contexto:
    """What the main script chose this run: the published copy and the filters."""
    chosen = st.session_state[_CLAVE]
    assert isinstance(chosen, Contexto)
    return chosen


def mes(value: date) -> str:
    return f"{value:%Y-%m}"


def pesos(value: Decimal | int | None) -> str:
    """Money as people read it: $1,234,567.89 (two decimals, as the views round it)."""
    if value is None:
        return "—"
    return f"${value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def cifra(
    lugar: DeltaGenerator, etiqueta: str, valor: Decimal | int | None, variacion: Decimal | int | None
) -> None:
    """A headline figure with its change against the previous month (from the view's variacion_ column)."""
    delta = None if variacion is None else pesos(variacion)
    lugar.metric(etiqueta, pesos(valor), delta=delta, border=True)


def grafica(
    frame: pl.DataFrame, x: str, y: list[str], *, color: str | None = None, lineas: bool = False
) -> None:
    """A chart of money: DECIMAL columns become floats here and only here (a plotted DECIMAL can come out
    unscaled); months become labels."""
    if frame.is_empty():
        return
    keep = [x, *([color] if color else []), *y]
    data = frame.select(keep).with_columns(
        *[pl.col(c).cast(pl.Float64) for c in y],
        *([pl.col(x).dt.strftime("%Y-%m")] if frame.schema[x] == pl.Date else []),
    )
    if lineas:
        st.line_chart(data, x=x, y=y[0] if color else y, color=color)
    else:
        st.bar_chart(data, x=x, y=y[0] if color else y, color=color, stack=False)


def _xlsx(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer, autofit=True)
    return buffer.getvalue()


def _formatos(frame: pl.DataFrame) -> dict[str, ColumnConfig]:
    """Dates as dates and every DECIMAL with exactly its two (or more) decimals, as the view gives it."""
    formatos: dict[str, ColumnConfig] = {}
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            formatos[name] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif isinstance(dtype, pl.Decimal):
            formatos[name] = st.column_config.NumberColumn(format=f"%.{max(dtype.scale or 0, 0)}f")
    return formatos


def tabla(frame: pl.DataFrame, nombre: str, *, titulo: str | None = None) -> None:
    """The table as the view gives it (DECIMAL with two decimals), then its CSV and XLSX downloads."""
    if titulo:
        st.subheader(titulo)
    if frame.is_empty():
        st.caption("Sin registros para los filtros elegidos.")
        return
    st.dataframe(frame, hide_index=True, width="stretch", column_config=_formatos(frame))
    left, right = st.columns(2)
    left.download_button(
        "Descargar CSV",
        frame.write_csv(),
        file_name=f"{nombre}.csv",
        mime="text/csv",
        key=f"csv_{nombre}",
    )
    right.download_button(
        "Descargar XLSX",
        _xlsx(frame),
        file_name=f"{nombre}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{nombre}",
    )
