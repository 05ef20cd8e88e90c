"""Whatever one document holds, it lands (repaired, the repair recorded) or is refused with a reason, and the
rest of its batch lands unchanged (issue 12): one synthetic defect per test, on both parser paths."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl
import pytest

from etl.parse.documents import parse_documents
from schemas.rejects import DOCUMENTOS_RECHAZADOS
from tests.etl.parse.cfdi._helpers import fixture, parse

pytestmark = pytest.mark.usefixtures("parser_path")  # each test on both parser paths

UUID = "c2832671-da6d-11ef-a83d-00155d012007"
BASE = fixture("CfdiUtils-cfdi40-real.xml")
GOOD = fixture("CfdiUtils-cfdi33-real.xml")
PAGO = fixture("CfdiUtils-created-cfdi40-pago20-valid.xml")
STAMP_UUID = b'UUID="C2832671-DA6D-11EF-A83D-00155D012007"'
MALFORMED_UUIDS = (
    "000000",
    "C2832671",
    "G2832671-DA6D-11EF-A83D-00155D01200Z",
    "C2832671-DA6D-11EF-A83D-00155D0120",
)


def _alone(name: str, data: bytes) -> dict[str, object]:
    frame = parse((name, data)).table("comprobantes")
    assert frame.height == 1
    return frame.to_dicts()[0]


def test_an_mxn_conversion_that_does_not_fit_lands_null_and_flagged_keeping_sats_amounts() -> None:
    huge = BASE.replace(b'TipoCambio="1"', b'TipoCambio="9999999"', 1).replace(
        b'SubTotal="862.07"', b'SubTotal="99999999"', 1
    )
    result = parse(("good.xml", GOOD), ("huge.xml", huge))
    assert result.rejected == {}
    header = result.one("comprobantes", UUID)
    assert header["sub_total"] == Decimal("99999999")
    assert header["tipo_cambio"] == Decimal("9999999")
    assert header["sub_total_mxn"] is None
    assert header["total_mxn"] == Decimal("9999999000.000000")  # 1000 × 9999999 fits
    assert header["reparaciones"] == ["conversion_mxn_fuera_de_rango"]
    good = [row for row in result.table("comprobantes").to_dicts() if row["source"] == "good.xml"]
    assert good == [_alone("good.xml", GOOD)]


def test_a_payment_whose_mxn_amount_does_not_fit_lands_null_and_flags_its_document() -> None:
    huge = PAGO.replace(b'TipoCambioP="1"', b'TipoCambioP="9999999"', 1).replace(
        b'Monto="15000.00"', b'Monto="999999999999"', 1
    )
    result = parse(("good.xml", GOOD), ("pago.xml", huge))
    assert result.rejected == {}
    pago = result.table("pagos").to_dicts()
    assert [(row["monto"], row["monto_mxn"]) for row in pago] == [(Decimal("999999999999"), None)]
    headers = {row["source"]: row for row in result.table("comprobantes").to_dicts()}
    assert "conversion_mxn_fuera_de_rango" in headers["pago.xml"]["reparaciones"]
    assert headers["good.xml"] == _alone("good.xml", GOOD)


def _storable_in_duckdb(rejects: pl.DataFrame) -> None:
    """What the warehouse load refuses: a uuid DuckDB cannot cast to its UUID type."""
    DOCUMENTOS_RECHAZADOS.check(rejects)
    with duckdb.connect() as con:
        con.register("rejects", rejects)
        bad = con.execute(
            "SELECT count(*) FROM rejects WHERE uuid IS NOT NULL AND TRY_CAST(uuid AS UUID) IS NULL"
        ).fetchone()
    assert bad == (0,)


@pytest.mark.parametrize("claimed", MALFORMED_UUIDS)
def test_a_malformed_stamp_uuid_is_a_reject_the_rejects_table_accepts(claimed: str) -> None:
    bad = BASE.replace(STAMP_UUID, b'UUID="' + claimed.encode() + b'"')
    result = parse(("good.xml", GOOD), ("bad.xml", bad))
    assert result.table("comprobantes")["source"].to_list() == ["good.xml"]
    assert [(r.source, r.uuid) for r in result.rejects] == [("bad.xml", None)]
    assert repr(claimed) in result.rejects[0].motivo
    rejects = pl.DataFrame(result.rejects, schema=DOCUMENTOS_RECHAZADOS.schema, orient="row")
    _storable_in_duckdb(rejects)


def test_a_batch_with_malformed_stamp_uuids_keeps_its_good_documents_and_storable_rejects() -> None:
    bad = [
        (f"bad{n}.xml", BASE.replace(STAMP_UUID, b'UUID="' + c.encode() + b'"'))
        for n, c in enumerate(MALFORMED_UUIDS)
    ]
    batch = parse_documents([("good.xml", GOOD), *bad])
    assert batch.frames["comprobantes"]["source"].to_list() == ["good.xml"]
    assert batch.rejects["source"].to_list() == [name for name, _ in bad]
    assert batch.rejects["uuid"].null_count() == len(bad)
    _storable_in_duckdb(batch.rejects)


def _padded(document: bytes, *pairs: tuple[bytes, bytes]) -> bytes:
    for written, padded in pairs:
        assert written in document
        document = document.replace(written, padded, 1)
    return document


def test_token_values_are_collapsed_as_the_xsd_does_and_the_repair_recorded() -> None:
    padded = _padded(
        BASE,
        (b'Rfc="ISD950921HE5"', b'Rfc=" ISD950921HE5"'),
        (b'Rfc="COSC8001137NA"', b'Rfc="COSC8001137NA  "'),
        (b'UsoCFDI="G03"', b'UsoCFDI="\tG03"'),
        (b'FormaPago="04"', b'FormaPago=" 04 "'),
        (b'Moneda="MXN"', b'Moneda="MXN "'),
        (b'TipoDeComprobante="I"', b'TipoDeComprobante=" I"'),
        (b'SubTotal="862.07"', b'SubTotal=" 862.07"'),
        (b'Fecha="2025-01-24T10:10:41"', b'Fecha="2025-01-24T10:10:41 "'),
        (STAMP_UUID, b'UUID=" C2832671-DA6D-11EF-A83D-00155D012007 "'),
        (b'ClaveProdServ="80141628"', b'ClaveProdServ="80141628 "'),
    )
    result = parse(("good.xml", GOOD), ("padded.xml", padded))
    assert result.rejected == {}
    plain = parse(("plain.xml", BASE))
    header = result.one("comprobantes", UUID)
    assert header["reparaciones"] == ["espacios_colapsados"]
    expected = plain.one("comprobantes", UUID) | {
        "reparaciones": ["espacios_colapsados"],
        "source": "padded.xml",
    }
    assert header == expected
    assert result.of("conceptos", UUID).equals(plain.of("conceptos", UUID))
    good = [row for row in result.table("comprobantes").to_dicts() if row["source"] == "good.xml"]
    assert good == [_alone("good.xml", GOOD)]


def test_names_and_descriptions_keep_their_spaces_and_are_no_repair() -> None:
    spaced = _padded(
        BASE,
        (b'Nombre="CARLOS CORTES SOTO"', b'Nombre=" CARLOS  CORTES SOTO "'),
        (b'Descripcion="RECARGA IDMX"', b'Descripcion="RECARGA  IDMX "'),
    )
    result = parse(("spaced.xml", spaced))
    header = result.one("comprobantes", UUID)
    assert header["nombre_receptor"] == " CARLOS  CORTES SOTO "
    assert header["reparaciones"] == []
    assert result.of("conceptos", UUID)["descripcion"].to_list() == [
        "COMISION RECARGA IDMX",
        "RECARGA  IDMX ",
    ]


def test_an_empty_id_documento_keeps_the_payment_and_its_other_lines_with_a_null_id_recorded() -> None:
    empty = PAGO.replace(b'IdDocumento="00000000-1111-2222-3333-00000000000A"', b'IdDocumento=""', 1)
    result = parse(("good.xml", GOOD), ("pago.xml", empty))
    assert result.rejected == {}
    plain = parse(("plain.xml", PAGO)).table("pagos_documentos")
    lines = result.table("pagos_documentos")
    assert lines["id_documento"].to_list() == [None, "00000000-1111-2222-3333-00000000000b"]
    assert lines.drop("id_documento", "uuid").equals(plain.drop("id_documento", "uuid"))
    headers = {row["source"]: row for row in result.table("comprobantes").to_dicts()}
    assert headers["pago.xml"]["reparaciones"] == ["sin_timbre_uuid_derivado", "id_documento_vacio"]
    assert headers["good.xml"] == _alone("good.xml", GOOD)


def test_a_padded_cfdi_version_is_read_as_its_version_with_the_collapse_recorded() -> None:
    padded = BASE.replace(b'Version="4.0"', b'Version=" 4.0\t"', 1)
    result = parse(("good.xml", GOOD), ("padded.xml", padded))
    assert result.rejected == {}
    header = result.one("comprobantes", UUID)
    assert (header["version"], header["reparaciones"]) == ("4.0", ["espacios_colapsados"])
    assert result.of("conceptos", UUID).height == parse(("base.xml", BASE)).of("conceptos", UUID).height


def test_a_padded_pagos_version_reads_its_lines_by_2_0_names() -> None:
    padded = PAGO.replace(b'<pago20:Pagos Version="2.0"', b'<pago20:Pagos Version="2.0 "', 1)
    result = parse(("pago.xml", padded))
    plain = parse(("pago.xml", PAGO))
    assert result.rejected == {}
    # the fixture has no stamp: its identity comes from its bytes, which differ
    for table in ("pagos_documentos", "pagos_impuestos"):
        assert result.table(table).drop("uuid").equals(plain.table(table).drop("uuid"))
    assert "espacios_colapsados" in result.table("comprobantes")["reparaciones"][0]


def test_a_padded_3_2_type_word_is_translated_to_its_code_with_the_collapse_recorded() -> None:
    v32 = fixture("CfdiUtils-cfdi32-real.xml")
    padded = v32.replace(b'tipoDeComprobante="ingreso"', b'tipoDeComprobante=" ingreso "', 1)
    assert padded != v32
    header = parse(("padded.xml", padded)).table("comprobantes").to_dicts()[0]
    plain = parse(("plain.xml", v32)).table("comprobantes").to_dicts()[0]
    assert (header["tipo_de_comprobante"], plain["tipo_de_comprobante"]) == ("I", "I")
    assert header["reparaciones"] == [*plain["reparaciones"], "espacios_colapsados"]
