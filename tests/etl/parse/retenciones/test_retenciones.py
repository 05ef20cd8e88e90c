"""etl.parse.retenciones: Retenciones 2.0 and 1.0 into withholding rows, 1.0's spellings normalised."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from etl.parse._xml import DocumentRejectedError, Rejection
from etl.parse.retenciones import RetencionesCollector
from schemas.raw import COMPLEMENTOS_RAW
from schemas.retenciones import RETENCIONES, RETENCIONES_IMPUESTOS
from tests.paths import CFDI_FIXTURES

UBER_2_0 = "phpcfdi-sat-estado-retenciones-ret20-mexican-real.xml"
PLATAFORMAS_1_0 = "nodecfdi-cfdi-to-pdf-retenciones-valid.xml"
DIVIDENDOS_1_0 = "CfdiUtils-retenciones-retenciones10.xml"
DIVIDENDOS_2_0 = "CfdiUtils-retenciones-retenciones20.xml"

MINIMAL_2_0 = """<?xml version="1.0" encoding="UTF-8"?>
<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2" Version="2.0"
    FolioInt="{folio}" FechaExp="2024-03-01T10:00:00" CveRetenc="26" LugarExpRetenc="03810">
  <retenciones:Emisor RfcE="UBV121024TN8" NomDenRazSocE="UBER B.V." RegimenFiscalE="601"/>
  <retenciones:Receptor NacionalidadR="Nacional">
    <retenciones:Nacional RfcR="GABV711214582" NomDenRazSocR="VERONICA" DomicilioFiscalR="03810"/>
  </retenciones:Receptor>
  <retenciones:Periodo MesIni="02" MesFin="02" Ejercicio="2024"/>
  <retenciones:Totales MontoTotOperacion="{total}" MontoTotGrav="100.00" MontoTotExent="0" MontoTotRet="2.50">
    <retenciones:ImpRetenidos BaseRet="100.00" ImpuestoRet="001" MontoRet="2.50" TipoPagoRet="{tipo}"/>
  </retenciones:Totales>
  <retenciones:Complemento>{stamps}</retenciones:Complemento>{extra}
</retenciones:Retenciones>
"""
STAMP = (
    '<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" '
    'UUID="{uuid}" FechaTimbrado="2024-03-01T10:05:00" RfcProvCertif="CVD110412TF6" NoCertificadoSAT="1"/>'
)
UUID_A = "AAAAAAAA-0000-4000-8000-000000000001"
UUID_B = "BBBBBBBB-0000-4000-8000-000000000002"


def minimal(
    *,
    folio: str = "1",
    total: str = "100.00",
    tipo: str = "03",
    uuids: tuple[str, ...] = (UUID_A,),
    extra: str = "",
) -> bytes:
    stamps = "".join(STAMP.format(uuid=u) for u in uuids)
    return MINIMAL_2_0.format(folio=folio, total=total, tipo=tipo, stamps=stamps, extra=extra).encode()


def collect(*documents: tuple[str, bytes]) -> tuple[dict[str, pl.DataFrame], list[Rejection]]:
    collector = RetencionesCollector()
    for source, data in documents:
        collector.add(source, hashlib.sha256(data).hexdigest(), data)
    frames, rejections = collector.finish()
    RETENCIONES.check(frames["retenciones"])
    RETENCIONES_IMPUESTOS.check(frames["retenciones_impuestos"])
    COMPLEMENTOS_RAW.check(frames["complementos_raw"])
    return frames, rejections


def fixture(name: str) -> tuple[str, bytes]:
    return name, (CFDI_FIXTURES / name).read_bytes()


def only_row(frame: pl.DataFrame) -> dict[str, Any]:
    (row,) = frame.to_dicts()
    return row


def test_a_real_2_0_document_reads_to_exact_values_and_its_taxes_add_up_to_the_total() -> None:
    frames, rejections = collect(fixture(UBER_2_0))

    assert rejections == []
    row = only_row(frames["retenciones"])
    assert row | {"sha256": None} == {
        "uuid": "7874d580-da5b-558f-b8ec-d92c57197242",
        "version": "2.0",
        "folio_int": "5343935",
        "fecha_exp": datetime(2023, 7, 2, 22, 28, 50),
        "fecha_exp_zona": None,
        "cve_retenc": "26",
        "desc_retenc": None,
        "lugar_exp_retenc": "03810",
        "no_certificado": "00001000000500593299",
        "rfc_emisor": "UBV121024TN8",
        "nombre_emisor": "UBER B.V.",
        "curp_emisor": None,
        "regimen_fiscal_emisor": "601",
        "nacionalidad_receptor": "Nacional",
        "rfc_receptor": "GABV711214582",
        "nombre_receptor": "VERONICA GARCIA BLANCAS",
        "curp_receptor": None,
        "domicilio_fiscal_receptor": "03810",
        "num_reg_id_trib_receptor": None,
        "mes_ini": 6,
        "mes_fin": 6,
        "ejercicio": 2023,
        "monto_tot_operacion": Decimal("16269.76"),
        "monto_tot_grav": Decimal("16269.76"),
        "monto_tot_exent": Decimal("0"),
        "monto_tot_ret": Decimal("1638.84"),
        "utilidad_bimestral": None,
        "isr_correspondiente": None,
        "tipo_relacion": None,
        "uuid_relacionado": None,
        "fecha_timbrado": datetime(2023, 7, 2, 22, 28, 50),
        "version_timbre": "1.1",
        "rfc_prov_certif": "CVD110412TF6",
        "no_certificado_sat": "00001000000504204441",
        "complementos": ["ServiciosPlataformasTecnologicas", "TimbreFiscalDigital"],
        "tiene_addenda": False,
        "reparaciones": [],
        "source": UBER_2_0,
        "sha256": None,
    }
    taxes = frames["retenciones_impuestos"]
    assert taxes.drop("uuid").rows() == [
        (1, Decimal("16269.76"), "001", Decimal("341.66"), "03", True, "03"),
        (2, Decimal("2594.36"), "002", Decimal("1297.18"), "01", True, "01"),
    ]
    assert taxes["monto_ret"].sum() == row["monto_tot_ret"]


def test_a_1_0_document_has_its_spellings_tax_codes_payment_types_and_offset_normalised() -> None:
    frames, rejections = collect(fixture(PLATAFORMAS_1_0))

    assert rejections == []
    row = only_row(frames["retenciones"])
    assert (row["uuid"], row["version"], row["folio_int"]) == (
        "f25f9852-6f4c-4782-9d47-3119eb3fad3a",
        "1.0",
        "P07D",
    )
    assert (row["fecha_exp"], row["fecha_exp_zona"]) == (datetime(2020, 9, 10, 13, 11, 36), "-06:00")
    assert (row["rfc_emisor"], row["no_certificado"]) == ("EKU9003173C9", "00001000000502647679")
    assert (row["nacionalidad_receptor"], row["rfc_receptor"]) == ("Nacional", "AAA010101AAA")
    assert (row["mes_ini"], row["mes_fin"], row["ejercicio"]) == (8, 8, 2020)
    assert (row["monto_tot_operacion"], row["monto_tot_ret"]) == (Decimal("8092.24"), Decimal("1294.7584"))
    assert (row["version_timbre"], row["rfc_prov_certif"]) == ("1.0", None)
    assert row["no_certificado_sat"] == "00001000000504204441"
    taxes = frames["retenciones_impuestos"].drop("uuid").rows()
    assert taxes == [
        (1, Decimal("8092.24"), "001", Decimal("647.3792"), "04", False, "Pago provisional"),
        # a provisional IVA withholding has no 2.0 code: the code stays empty, the meaning does not
        (2, Decimal("1294.7584"), "002", Decimal("647.3792"), None, False, "Pago provisional"),
    ]
    assert sum(t[3] for t in taxes) == row["monto_tot_ret"]


def test_complements_are_kept_raw_with_their_namespace_and_the_stamp_is_not() -> None:
    frames, _ = collect(fixture(PLATAFORMAS_1_0))

    raw = only_row(frames["complementos_raw"])
    assert raw["uuid"] == "f25f9852-6f4c-4782-9d47-3119eb3fad3a"
    assert (raw["numero"], raw["ubicacion"], raw["elemento"], raw["version"]) == (
        1,
        "Complemento",
        "ServiciosPlataformasTecnologicas",
        "1.0",
    )
    assert raw["namespace"] == "http://www.sat.gob.mx/esquemas/retencionpago/1/PlataformasTecnologicas10"
    assert 'TotalISRRetenido="647.379200"' in raw["xml"]
    assert "TimbreFiscalDigital" not in raw["xml"]


def test_a_foreign_receiver_and_dividends_complement_read_in_both_versions() -> None:
    frames, rejections = collect(fixture(DIVIDENDOS_1_0), fixture(DIVIDENDOS_2_0))

    assert rejections == []
    rows = frames["retenciones"].select(
        "version", "nacionalidad_receptor", "rfc_receptor", "num_reg_id_trib_receptor", "nombre_receptor"
    )
    assert rows.rows() == [
        ("1.0", "Extranjero", None, "998877665544332211", "WORLD WIDE COMPANY INC"),
        ("2.0", "Extranjero", None, "998877665544332211", "WORLD WIDE COMPANY INC"),
    ]
    assert frames["complementos_raw"]["elemento"].to_list() == ["Dividendos", "Dividendos"]
    second = frames["retenciones"].row(1, named=True)
    assert (second["tipo_relacion"], second["uuid_relacionado"]) == (
        "01",
        "1474b7d3-61fc-41c4-a8b8-3f22e1161bb4",
    )
    assert (second["utilidad_bimestral"], second["isr_correspondiente"]) == (Decimal("0.1"), Decimal("0.1"))


def test_a_document_without_a_stamp_gets_an_identity_from_its_bytes_and_says_so() -> None:
    frames, _ = collect(fixture(DIVIDENDOS_1_0))
    again, _ = collect(fixture(DIVIDENDOS_1_0))

    row = only_row(frames["retenciones"])
    assert row["reparaciones"] == ["sin_timbre_uuid_derivado"]
    assert row["uuid"] == only_row(again["retenciones"])["uuid"]
    assert row["fecha_timbrado"] is None


def test_a_document_that_is_not_well_formed_is_refused_and_leaves_nothing_behind() -> None:
    collector = RetencionesCollector()
    good = minimal()
    collector.add("good.xml", "a" * 64, good)
    with pytest.raises(DocumentRejectedError, match="not well-formed XML"):
        collector.add("bad.xml", "b" * 64, good[:-40])

    frames, rejections = collector.finish()
    assert frames["retenciones"]["source"].to_list() == ["good.xml"]
    assert frames["retenciones_impuestos"].height == 1
    assert rejections == []


def test_a_cfdi_handed_to_the_retenciones_parser_is_refused() -> None:
    data = (CFDI_FIXTURES / "CfdiUtils-cfdi40-real.xml").read_bytes()

    with pytest.raises(DocumentRejectedError, match="not a Retenciones document"):
        RetencionesCollector().add("cfdi.xml", "c" * 64, data)


def test_a_value_that_does_not_type_refuses_its_document_only() -> None:
    frames, rejections = collect(
        ("ok.xml", minimal(folio="1")), ("bad.xml", minimal(folio="2", total="mucho"))
    )

    assert frames["retenciones"]["folio_int"].to_list() == ["1"]
    assert frames["retenciones_impuestos"].height == 1
    (rejection,) = rejections
    assert (rejection.source, rejection.documento, rejection.uuid) == (
        "bad.xml",
        "retenciones",
        UUID_A.lower(),
    )
    assert rejection.motivo == "retenciones.monto_tot_operacion: 'mucho' is not a valid money"


def test_an_unknown_payment_type_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(DocumentRejectedError, match=r"TipoPagoRet 'a plazos' is neither a 2\.0 code"):
        RetencionesCollector().add("x.xml", "d" * 64, minimal(tipo="a plazos"))


def test_a_repeated_stamp_is_read_once_and_two_different_stamps_are_refused() -> None:
    frames, _ = collect(("twice.xml", minimal(uuids=(UUID_A, UUID_A))))
    assert only_row(frames["retenciones"])["reparaciones"] == ["timbre_duplicado"]

    with pytest.raises(DocumentRejectedError, match="two stamps with different UUIDs"):
        RetencionesCollector().add("two.xml", "e" * 64, minimal(uuids=(UUID_A, UUID_B)))


def test_addenda_and_unknown_elements_are_kept_raw() -> None:
    extra = (
        '<retenciones:Addenda><acme:Pedido xmlns:acme="urn:acme" Numero="77"/></retenciones:Addenda>'
        '<otro:Nodo xmlns:otro="urn:otro"/>'
    )
    frames, _ = collect(("addenda.xml", minimal(extra=extra)))

    assert only_row(frames["retenciones"])["tiene_addenda"] is True
    raw = frames["complementos_raw"].select("numero", "ubicacion", "namespace", "elemento").rows()
    assert raw == [(1, "Addenda", "urn:acme", "Pedido"), (2, "Retenciones", "urn:otro", "Nodo")]


def test_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doctype = f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'.encode()
    data = minimal(folio="&x;").replace(b"?>\n", b"?>\n" + doctype + b"\n", 1)

    collector = RetencionesCollector()
    try:
        collector.add("xxe.xml", "f" * 64, data)
    except DocumentRejectedError:
        return  # refusing the document is as safe as not expanding the entity
    frames, _ = collector.finish()
    assert "TOP-SECRET" not in str(frames["retenciones"]["folio_int"].to_list())


@pytest.mark.parametrize("fecha_exp", ["", 'FechaExp="" '], ids=["missing", "empty"])
def test_a_document_without_fecha_exp_is_filed_under_its_stamp_date_recorded_as_a_repair(
    fecha_exp: str,
) -> None:
    undated = minimal(folio="2", uuids=(UUID_B,)).replace(
        b'FechaExp="2024-03-01T10:00:00" ', fecha_exp.encode()
    )
    frames, rejections = collect(("dated.xml", minimal()), ("undated.xml", undated))
    assert rejections == []
    rows = {row["source"]: row for row in frames["retenciones"].to_dicts()}
    assert rows["undated.xml"]["fecha_exp"] == datetime(2024, 3, 1, 10, 5, 0)  # the stamp's FechaTimbrado
    assert rows["undated.xml"]["fecha_exp_zona"] is None
    assert rows["undated.xml"]["reparaciones"] == ["fecha_exp_de_timbrado"]
    assert rows["dated.xml"]["fecha_exp"] == datetime(2024, 3, 1, 10, 0, 0)
    assert rows["dated.xml"]["reparaciones"] == []


def test_token_values_are_collapsed_as_the_xsd_does_and_names_keep_their_spaces() -> None:
    padded = (
        minimal()
        .replace(b'RfcE="UBV121024TN8"', b'RfcE=" UBV121024TN8 "')
        .replace(b'CveRetenc="26"', b'CveRetenc="26  "')
        .replace(b'MontoTotOperacion="100.00"', b'MontoTotOperacion=" 100.00"')
        .replace(b'NomDenRazSocE="UBER B.V."', b'NomDenRazSocE=" UBER  B.V."')
    )
    frames, rejections = collect(("padded.xml", padded))
    assert rejections == []
    row = only_row(frames["retenciones"])
    plain = only_row(collect(("plain.xml", minimal()))[0]["retenciones"])
    assert row["reparaciones"] == ["espacios_colapsados"]
    assert row["nombre_emisor"] == " UBER  B.V."
    changed = {"reparaciones", "nombre_emisor", "source", "sha256"}
    assert {k: v for k, v in row.items() if k not in changed} == {
        k: v for k, v in plain.items() if k not in changed
    }


def test_a_malformed_stamp_uuid_is_a_reject_with_a_null_uuid_and_the_claim_in_its_reason() -> None:
    frames, rejections = collect(("good.xml", minimal()), ("bad.xml", minimal(folio="2", uuids=("000000",))))
    assert frames["retenciones"]["source"].to_list() == ["good.xml"]
    assert [(r.source, r.uuid) for r in rejections] == [("bad.xml", None)]
    assert "'000000'" in rejections[0].motivo


def test_padded_1_0_codes_are_collapsed_before_their_translation_to_2_0_recorded_as_a_repair() -> None:
    name, data = fixture(PLATAFORMAS_1_0)
    padded = data.replace(b'Impuesto="01"', b'Impuesto=" 01\t"').replace(
        b'TipoPagoRet="Pago provisional"', b'TipoPagoRet="  Pago provisional "', 1
    )
    frames, rejections = collect(("padded.xml", padded))
    assert rejections == []
    plain, _ = collect((name, data))
    assert only_row(frames["retenciones"])["reparaciones"] == ["espacios_colapsados"]
    taxes = frames["retenciones_impuestos"].drop("uuid", "tipo_pago_ret_escrito")
    assert taxes.rows() == plain["retenciones_impuestos"].drop("uuid", "tipo_pago_ret_escrito").rows()
    # the value as written stays as written, for whoever checks the translation
    assert frames["retenciones_impuestos"]["tipo_pago_ret_escrito"][0] == "  Pago provisional "
