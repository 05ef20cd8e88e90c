"""Nodes the fixtures do not carry but real packages do: global invoices, third parties, Nómina 1.1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from etl.parse.cfdi import CfdiCollector
from tests.etl.parse.cfdi._helpers import fixture, parse

pytestmark = pytest.mark.usefixtures("parser_path")  # each test on both parser paths

UUID_40 = "c2832671-da6d-11ef-a83d-00155d012007"
UUID_32 = "80824f3b-323e-407b-8f8e-40d83fe2e69f"


def test_a_global_invoice_and_a_line_on_behalf_of_a_third_party_are_read() -> None:
    base = fixture("CfdiUtils-cfdi40-real.xml")
    document = base.replace(
        b'<cfdi:Emisor Rfc="ISD950921HE5"',
        b'<cfdi:InformacionGlobal Periodicidad="04" Meses="01" A\xc3\xb1o="2025"/>'
        b'<cfdi:Emisor Rfc="ISD950921HE5"',
    ).replace(
        b"</cfdi:Impuestos>\n    </cfdi:Concepto>",
        b'</cfdi:Impuestos><cfdi:ACuentaTerceros RfcACuentaTerceros="JUFA7608212V6" '
        b'NombreACuentaTerceros="ADRIANA JUAREZ" RegimenFiscalACuentaTerceros="612" '
        b'DomicilioFiscalACuentaTerceros="29133"/>\n    </cfdi:Concepto>',
        1,
    )
    result = parse(("g.xml", document))
    header = result.one("comprobantes", UUID_40)
    assert (
        header["informacion_global_periodicidad"],
        header["informacion_global_meses"],
        header["informacion_global_anio"],
    ) == ("04", "01", "2025")
    lines = result.of("conceptos", UUID_40).sort("numero")
    assert lines["rfc_a_cuenta_terceros"].to_list() == ["JUFA7608212V6", None]
    assert lines["nombre_a_cuenta_terceros"].to_list() == ["ADRIANA JUAREZ", None]


def test_a_nomina_11_header_is_read_and_its_lines_kept_raw() -> None:
    nomina = (
        b'<nomina:Nomina xmlns:nomina="http://www.sat.gob.mx/nomina" Version="1.1"'
        b' RegistroPatronal="B5510768108"'
        b' NumEmpleado="120" CURP="XEXX010101HNEXXXA4" TipoRegimen="2" NumSeguridadSocial="12345678912"'
        b' FechaPago="2016-10-15" FechaInicialPago="2016-10-01" FechaFinalPago="2016-10-15"'
        b' NumDiasPagados="15.000" CLABE="123456789012345678" Antiguedad="52" PeriodicidadPago="quincenal">'
        b'<nomina:Percepciones TotalGravado="3000.00" TotalExento="0.00">'
        b'<nomina:Percepcion TipoPercepcion="001" Clave="001" Concepto="Sueldo" ImporteGravado="3000.00"'
        b' ImporteExento="0.00"/></nomina:Percepciones></nomina:Nomina>'
    )
    base = fixture("CfdiUtils-cfdi32-real.xml")
    result = parse(("n.xml", base.replace(b"<cfdi:Complemento>", b"<cfdi:Complemento>" + nomina)))
    row = result.one("nominas", UUID_32)
    assert (row["version_nomina"], row["curp"], row["cuenta_bancaria"]) == (
        "1.1",
        "XEXX010101HNEXXXA4",
        "123456789012345678",
    )
    assert (row["fecha_pago"], row["num_dias_pagados"]) == (dt.date(2016, 10, 15), Decimal("15"))
    assert row["registro_patronal"] == "B5510768108"
    assert result.table("nomina_lineas").height == 0
    raw = result.of("complementos_raw", UUID_32).filter(
        result.of("complementos_raw", UUID_32)["ubicacion"] == "Nomina"
    )
    assert raw["elemento"].to_list() == ["Percepciones"]
    assert result.one("comprobantes", UUID_32)["complementos"] == ["Nomina", "TimbreFiscalDigital"]


def test_one_collector_serves_batch_after_batch_with_nothing_carried_over() -> None:
    collector = CfdiCollector()
    collector.add("a.xml", fixture("CfdiUtils-cfdi40-real.xml"))
    first, _ = collector.finish()
    collector.add("b.xml", fixture("CfdiUtils-cfdi33-real.xml"))
    second, _ = collector.finish()
    assert first["comprobantes"]["source"].to_list() == ["a.xml"]
    assert second["comprobantes"]["source"].to_list() == ["b.xml"]
    assert second["conceptos"]["uuid"].unique().to_list() == ["cee4be01-adfa-4deb-8421-add60f0bedac"]
    empty, rejections = collector.finish()
    assert all(frame.height == 0 for frame in empty.values())
    assert rejections == []
