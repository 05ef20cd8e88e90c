"""Turn metadata records (string fields, by header name) into `metadata` rows and refused records.

One lazy query reads and casts in the same pass. Every cast is strict in effect: a value that does not
convert sends its record to the refused rows with the first reason found, instead of becoming null or
failing the whole file. Whether any row is bad is first told from whole columns (null counts, flags);
only then are rows tested one by one, and reasons are written for the refused rows alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from etl.parse.metadata._records import OVERFLOW, RECORD, Records, Suspects, header_key, read_rows
from schemas.metadata import ESTATUS, METADATA

__all__ = ["FIELDS", "UUID_HASH", "TypedRecords", "type_records"]

# SAT's header names (compared by header_key) -> column of `metadata`.
FIELDS = {
    "uuid": "uuid",
    "rfcemisor": "rfc_emisor",
    "nombreemisor": "nombre_emisor",
    "rfcreceptor": "rfc_receptor",
    "nombrereceptor": "nombre_receptor",
    "rfcpac": "rfc_pac",
    "fechaemision": "fecha_emision",
    "fechacertificacionsat": "fecha_certificacion_sat",
    "monto": "monto",
    "efectocomprobante": "efecto_comprobante",
    "montototret": "monto_tot_ret",
    "cveretenc": "cve_retenc",
    "estatus": "estatus",
    "fechacancelacion": "fecha_cancelacion",
    "rfcacuentaterceros": "rfc_a_cuenta_terceros",
    "nombreacuentaterceros": "nombre_a_cuenta_terceros",
}
_HEADER_OF = {
    "uuid": "Uuid",
    "rfc_emisor": "RfcEmisor",
    "rfc_receptor": "RfcReceptor",
    "rfc_pac": "RfcPac",
    "fecha_emision": "FechaEmision",
    "fecha_certificacion_sat": "FechaCertificacionSat",
    "fecha_cancelacion": "FechaCancelacion",
    "monto": "Monto",
    "monto_tot_ret": "MontoTotRet",
    "efecto_comprobante": "EfectoComprobante",
    "estatus": "Estatus",
}

_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# SAT writes amounts with '.', at most six decimals; DECIMAL(18,6) leaves twelve integer digits.
_MONEY = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"
_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
_EFECTOS = ("I", "E", "T", "N", "P")
_RFCS = ("rfc_emisor", "rfc_receptor", "rfc_pac")
_TIMESTAMPS = ("fecha_emision", "fecha_certificacion_sat", "fecha_cancelacion")
_AMOUNTS = ("monto", "monto_tot_ret")
# Fields whose text as written is kept until the checks ran, to say what was wrong with it.
_CHECKED = ("uuid", *_RFCS, *_TIMESTAMPS, *_AMOUNTS, "efecto_comprobante", "estatus")
_BLANK = "__blank"
_BAD = "__bad"
# A 64-bit hash of the lower-cased Uuid: distinct hashes prove distinct Uuids, and compare cheaply.
UUID_HASH = "__uuid_hash"


@dataclass(frozen=True, slots=True)
class TypedRecords:
    """`good` matches schemas.METADATA plus RECORD and UUID_HASH; `refused` holds source, numero_linea,
    motivo, RECORD."""

    good: pl.DataFrame
    refused: pl.DataFrame
    record_count: int


def type_records(records: Records, source: str) -> TypedRecords:
    """Type one file's records: cast every column, then split good records from refused ones."""
    typed = read_rows(records, lambda r: _typed_query(r, source), suspects=_bad_lines)

    blank_count = int(typed[_BLANK].sum())
    record_count = typed.height - blank_count + len(records.unreadable)
    if not _may_hold_bad_rows(typed):
        # Taking columns by name copies nothing; a select realigns a frame read in many chunks.
        return TypedRecords(typed[[*METADATA.names, RECORD, UUID_HASH]], _no_refusals(), record_count)
    typed = typed.with_columns(_is_bad().alias(_BAD))
    good = typed.filter(~pl.col(_BAD) & ~pl.col(_BLANK)).select(*METADATA.names, RECORD, UUID_HASH)
    refused = typed.filter(pl.col(_BAD) & ~pl.col(_BLANK)).select(
        "source", "numero_linea", _reason(len(records.header)).alias("motivo"), RECORD
    )
    return TypedRecords(good, refused, record_count)


def _typed_query(records: Records, source: str) -> pl.LazyFrame:
    position: dict[str, int] = {}
    extra: list[tuple[str, int]] = []
    for index, name in enumerate(records.header):
        column = FIELDS.get(header_key(name))
        if column is None or column in position:
            extra.append((name, index))
        else:
            position[column] = index

    def written(column: str) -> pl.Expr:
        """The field as written, null when empty or absent from the header."""
        if column not in position:
            return pl.lit(None, dtype=pl.String())
        return pl.col(f"f{position[column]}")

    width = len(records.header)
    return (
        records.scan()
        .select(
            written("uuid").str.to_lowercase().alias("uuid"),
            *(written(c).alias(c) for c in _RFCS),
            written("nombre_emisor").alias("nombre_emisor"),
            written("nombre_receptor").alias("nombre_receptor"),
            # Timestamps hardly ever repeat: caching parsed values would cost more than it saves.
            *(
                written(c)
                .str.strptime(pl.Datetime("us"), _TIMESTAMP_FORMAT, strict=False, cache=False)
                .alias(c)
                for c in _TIMESTAMPS
            ),
            *(
                pl.when(written(c).str.contains(_MONEY)).then(written(c)).cast(pl.Decimal(18, 6)).alias(c)
                for c in _AMOUNTS
            ),
            written("efecto_comprobante").alias("efecto_comprobante"),
            written("cve_retenc").alias("cve_retenc"),
            _estatus(written("estatus")).alias("estatus"),
            _as_list(written("rfc_a_cuenta_terceros")).alias("rfc_a_cuenta_terceros"),
            _as_list(written("nombre_a_cuenta_terceros")).alias("nombre_a_cuenta_terceros"),
            _extra_json(extra).alias("columnas_extra"),
            pl.lit(source).alias("source"),
            records.line_numbers(pl.col(RECORD)).alias("numero_linea"),
            pl.col(RECORD),
            pl.col(OVERFLOW),
            *(written(c).alias(_written(c)) for c in _CHECKED),
            # SAT checked each RFC's form when the document was stamped; what can still go wrong here is
            # a shifted column, which the length shows at a tenth of the cost of a pattern.
            *(written(c).str.len_chars().is_between(12, 13).alias(f"__{c}_ok") for c in _RFCS),
            written("efecto_comprobante").is_in(_EFECTOS).alias("__efecto_ok"),
            pl.all_horizontal(pl.col(f"f{i}").is_null() for i in range(width)).alias(_BLANK),
        )
        # Checked and hashed once lower-cased: a case-sensitive pattern is the cheaper one.
        .with_columns(
            pl.col("uuid").str.contains(_UUID).alias("__uuid_ok"), pl.col("uuid").hash().alias(UUID_HASH)
        )
    )


def _no_refusals() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"source": pl.String(), "numero_linea": pl.Int64(), "motivo": pl.String(), RECORD: pl.Int64()}
    )


def _written(column: str) -> str:
    return f"__written_{column}"


def _may_hold_bad_rows(rows: pl.DataFrame) -> bool:
    """Whether any row breaks a rule of _is_bad, told from whole columns: null counts are kept with
    the data and an all-true flag is a scan of bits, so a clean file never builds the row-wise test."""
    flags = ("__uuid_ok", *(f"__{c}_ok" for c in _RFCS), "__efecto_ok")
    return (
        rows[OVERFLOW].null_count() < rows.height
        or rows["uuid"].null_count() > 0
        or rows["estatus"].null_count() > 0
        or not all(rows[flag].all() for flag in flags)
        or any(rows[c].null_count() > rows[_written(c)].null_count() for c in (*_TIMESTAMPS, *_AMOUNTS))
    )


def _bad_lines(rows: pl.DataFrame) -> Suspects:
    """The lines of the rows that cannot load, with the Uuid fields as written and their hashes. A
    record split by a bare LF always leaves such a row (a part lacks fields or has them shifted: no
    Uuid, or something else where it goes), so a clean file never pays for looking."""
    bad = rows.select(pl.col(RECORD).filter(_is_bad()))[RECORD].to_list() if _may_hold_bad_rows(rows) else []
    return Suspects(bad, rows[_written("uuid")], rows[UUID_HASH])


def _is_bad() -> pl.Expr:
    """True when a record cannot load; booleans only (a null check means the value is absent: fine)."""
    return pl.any_horizontal(
        pl.col(OVERFLOW).is_not_null(),
        pl.col("uuid").is_null(),
        ~pl.col("__uuid_ok"),
        pl.col("estatus").is_null(),
        *(~pl.col(f"__{c}_ok") for c in _RFCS),
        *(pl.col(c).is_null() & pl.col(_written(c)).is_not_null() for c in (*_TIMESTAMPS, *_AMOUNTS)),
        ~pl.col("__efecto_ok"),
    ).fill_null(value=False)


def _estatus(written: pl.Expr) -> pl.Expr:
    """SAT's 1 / 0 as the words in schemas.metadata.ESTATUS; anything else null (and refused)."""
    # Two comparisons cost less than a mapping lookup per row.
    return pl.when(written == "1").then(pl.lit(ESTATUS["1"])).when(written == "0").then(pl.lit(ESTATUS["0"]))


def _as_list(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_null()).then(None).otherwise(pl.concat_list(value))


def _extra_json(extra: list[tuple[str, int]]) -> pl.Expr:
    if not extra:
        return pl.lit(None, dtype=pl.String())
    return pl.struct(pl.col(f"f{i}").alias(name) for name, i in extra).struct.json_encode()


def _reason(width: int) -> pl.Expr:
    """The first thing wrong with a record, in the order a reader would look."""
    written = {c: pl.col(_written(c)) for c in _CHECKED}
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (
            pl.col(OVERFLOW).is_not_null(),
            pl.lit(f"more fields than the {width} of the header ('~' inside a value?)"),
        ),
        (pl.col("uuid").is_null(), pl.lit("Uuid is empty")),
        (~pl.col("__uuid_ok"), pl.format("Uuid {} is not a UUID", written["uuid"])),
        (written["estatus"].is_null(), pl.lit("Estatus is empty")),
        (
            pl.col("estatus").is_null(),
            pl.format("Estatus {} is not 1 (vigente) or 0 (cancelado)", written["estatus"]),
        ),
    ]
    checks += [
        (
            ~pl.col(f"__{c}_ok"),
            pl.format(f"{_HEADER_OF[c]} {{}} is not an RFC (12 or 13 characters)", written[c]),
        )
        for c in _RFCS
    ]
    checks += [
        (
            pl.col(c).is_null() & written[c].is_not_null(),
            pl.format(f"{_HEADER_OF[c]} {{}} is not a date and time YYYY-MM-DD HH:MM:SS", written[c]),
        )
        for c in _TIMESTAMPS
    ]
    checks += [
        (
            pl.col(c).is_null() & written[c].is_not_null(),
            pl.format(f"{_HEADER_OF[c]} {{}} is not an amount with '.' and at most 6 decimals", written[c]),
        )
        for c in _AMOUNTS
    ]
    checks += [
        (
            ~pl.col("__efecto_ok"),
            pl.format("EfectoComprobante {} is not one of I, E, T, N, P", written["efecto_comprobante"]),
        ),
    ]
    return pl.coalesce(pl.when(condition).then(message) for condition, message in checks)
