"""Whitespace the XSD collapses: leading, trailing and repeated spaces (tabs, line ends) in token-like values.

The CFDI and Retenciones schemas declare RFCs, catalogue codes, amounts, dates and UUIDs with
`whiteSpace="collapse"`, so `Rfc=" AAA010101AAA"` means `AAA010101AAA`. Real files carry such padding (about
one in nine of a folder of public samples); kept, it would stop the document matching its taxpayer. Names,
descriptions, series and folios keep their text as written.
"""

from __future__ import annotations

import re

import polars as pl

from schemas import Table
from schemas._kinds import DATE, INT, MONEY, QUANTITY, RATE, TIMESTAMP, UUID

__all__ = ["COLLAPSED", "collapse", "collapse_tokens"]

COLLAPSED = "espacios_colapsados"  # the repair recorded on a document that had any value collapsed
_DOC = "doc"
_XSD_SPACE = "[ \t\n\r]"
# The token values of a row are looked at joined by a character XML cannot hold (one regex pass per row,
# not one per column: a third less of the check's time), so a value's start and end are also this mark.
_JOIN = "\x1f"
_NEEDS_COLLAPSE = rf"(?:^|{_JOIN}){_XSD_SPACE}|{_XSD_SPACE}(?:$|{_JOIN})|{_XSD_SPACE}{{2}}|[\t\n\r]"
_XSD_SPACES = re.compile(f"{_XSD_SPACE}+")
# every value typed from text is a token: an amount, a date, a number, a UUID
_TOKEN_KINDS = frozenset(kind.name for kind in (DATE, INT, MONEY, QUANTITY, RATE, TIMESTAMP, UUID))
# text columns that hold codes, RFCs and identifiers, per table (free text is not listed)
_TOKEN_TEXT: dict[str, frozenset[str]] = {
    "comprobantes": frozenset(
        {
            "version",
            "tipo_de_comprobante",
            "forma_pago",
            "metodo_pago",
            "forma_de_pago",
            "metodo_de_pago",
            "moneda",
            "exportacion",
            "lugar_expedicion",
            "rfc_emisor",
            "regimen_fiscal_emisor",
            "rfc_receptor",
            "uso_cfdi",
            "domicilio_fiscal_receptor",
            "regimen_fiscal_receptor",
            "residencia_fiscal",
            "num_reg_id_trib",
            "informacion_global_periodicidad",
            "informacion_global_meses",
            "informacion_global_anio",
            "no_certificado",
            "version_timbre",
            "rfc_prov_certif",
            "no_certificado_sat",
        }
    ),
    "conceptos": frozenset({"clave_prod_serv", "clave_unidad", "objeto_imp", "rfc_a_cuenta_terceros"}),
    "impuestos": frozenset({"impuesto", "tipo_factor"}),
    "cfdi_relacionados": frozenset({"tipo_relacion"}),
    "pagos": frozenset(
        {
            "version_pagos",
            "forma_de_pago_p",
            "moneda_p",
            "rfc_emisor_cta_ord",
            "cta_ordenante",
            "rfc_emisor_cta_ben",
            "cta_beneficiario",
            "tipo_cad_pago",
        }
    ),
    "pagos_documentos": frozenset({"moneda_dr", "metodo_de_pago_dr", "objeto_imp_dr"}),
    "pagos_impuestos": frozenset({"impuesto", "tipo_factor"}),
    "nominas": frozenset(
        {
            "version_nomina",
            "tipo_nomina",
            "registro_patronal",
            "curp",
            "num_seguridad_social",
            "tipo_contrato",
            "tipo_jornada",
            "tipo_regimen",
            "periodicidad_pago",
            "riesgo_puesto",
            "antiguedad",
            "sindicalizado",
            "banco",
            "cuenta_bancaria",
            "clave_ent_fed",
        }
    ),
    "nomina_lineas": frozenset({"tipo"}),
    "retenciones": frozenset(
        {
            "version",
            "cve_retenc",
            "lugar_exp_retenc",
            "no_certificado",
            "rfc_emisor",
            "curp_emisor",
            "regimen_fiscal_emisor",
            "nacionalidad_receptor",
            "rfc_receptor",
            "curp_receptor",
            "domicilio_fiscal_receptor",
            "num_reg_id_trib_receptor",
            "tipo_relacion",
            "version_timbre",
            "rfc_prov_certif",
            "no_certificado_sat",
        }
    ),
    "retenciones_impuestos": frozenset({"impuesto", "tipo_pago_ret"}),
}


def _token_columns(table: Table, frame: pl.DataFrame) -> list[str]:
    text = _TOKEN_TEXT.get(table.name, frozenset())
    return [
        name
        for name, dtype in frame.schema.items()
        if name != _DOC
        and dtype == pl.String()
        and (name in text or table.column(name).kind.name in _TOKEN_KINDS)
    ]


def collapse(value: str) -> str:
    """One token-like value as the XSD reads it, for the few a parser must compare before the frame is
    collapsed (a version that picks the attribute names, a 1.0 code translated to 2.0's)."""
    return _XSD_SPACES.sub(" ", value).strip(" ")


def collapse_tokens(table: Table, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """`frame` (text as written, with `doc`) with its token-like values collapsed as the XSD does, and the
    ordinals of the documents that had any value collapsed."""
    names = _token_columns(table, frame)
    if not names or frame.height == 0:
        return frame, pl.Series(_DOC, [], dtype=pl.Int64())
    padded = pl.concat_str(names, separator=_JOIN, ignore_nulls=True).str.contains(_NEEDS_COLLAPSE)
    padded = padded.fill_null(False)
    flags = frame.select(padded.alias("padded")).to_series()
    if not flags.any():  # the common case: nothing to rewrite
        return frame, pl.Series(_DOC, [], dtype=pl.Int64())
    collapsed = frame.with_columns(
        pl.when(flags)
        .then(pl.col(name).str.replace_all(f"{_XSD_SPACE}+", " ").str.strip_chars(" "))
        .otherwise(pl.col(name))
        for name in names
    )
    return collapsed, frame.filter(flags)[_DOC].unique()
