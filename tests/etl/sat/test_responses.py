from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime

import pytest

from etl.sat import (
    CodEstatus,
    CodigoEstadoSolicitud,
    EmptyResponseError,
    EstadoSolicitud,
    SoapFaultError,
    UnparseableResponseError,
)
from etl.sat._responses import read_authentication, read_download, read_query, read_verify
from tests.paths import SAT_FIXTURES

RESPONSES = SAT_FIXTURES / "responses"


def test_the_authentication_fixture_gives_the_token_and_its_five_minute_lifetime() -> None:
    token = read_authentication("Autentica", (RESPONSES / "authenticate-token.xml").read_bytes())
    assert token.value.startswith(
        "eyJhbGciOiJodHRwOi8vd3d3LnczLm9yZy8yMDAxLzA0L3htbGRzaWctbW9yZSNobWFjLXNoYTI1NiIs"
    )
    assert token.value.endswith("%26wrap_subject%3d3330303031303030303030333030303233363835")
    assert token.created == datetime(2019, 8, 1, 3, 38, 20, 44000, tzinfo=UTC)
    assert token.expires == datetime(2019, 8, 1, 3, 43, 20, 44000, tzinfo=UTC)
    assert token.lifetime_seconds == 300
    assert token.value not in repr(token)


def test_the_authentication_fault_fixture_raises_a_soap_fault_with_its_code_and_string() -> None:
    with pytest.raises(SoapFaultError) as fault:
        read_authentication("Autentica", (RESPONSES / "authenticate-fault.xml").read_bytes())
    assert fault.value.fault_code == "a:InvalidSecurity"
    assert fault.value.fault_string == "An error occurred when verifying security for the message."


@pytest.mark.parametrize("name", ["query-issued", "query-received", "query-folio"])
def test_each_query_fixture_gives_its_request_id_and_code(name: str) -> None:
    result = read_query("SolicitaDescarga", (RESPONSES / f"{name}.xml").read_bytes())
    assert result.request_id == "d49af78d-1c80-4221-a48d-345ace91626b"
    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert result.message == "Solicitud Aceptada"


def test_the_verify_fixture_without_packages_says_rejected_for_no_data() -> None:
    result = read_verify("Verifica", (RESPONSES / "verify-0-packages.xml").read_bytes())
    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert result.state is EstadoSolicitud.RECHAZADA
    assert result.state_code is CodigoEstadoSolicitud.NO_SE_ENCONTRO
    assert result.document_count == 0
    assert result.package_ids == ()


def test_the_verify_fixture_with_two_packages_lists_them_in_order() -> None:
    result = read_verify("Verifica", (RESPONSES / "verify-2-packages.xml").read_bytes())
    assert result.state is EstadoSolicitud.TERMINADA
    assert result.state.is_final
    assert result.state_code is CodigoEstadoSolicitud.ACEPTADA
    assert result.document_count == 12345
    assert result.package_ids == (
        "4e80345d-917f-40bb-a98f-4a73939343c5_01",
        "4e80345d-917f-40bb-a98f-4a73939343c5_02",
    )


def test_the_download_fixture_gives_a_zip_holding_one_cfdi() -> None:
    result = read_download("Descargar", (RESPONSES / "download-package.xml").read_bytes())
    assert result.status is CodEstatus.SOLICITUD_RECIBIDA
    assert result.message == "Solicitud Aceptada"
    with zipfile.ZipFile(io.BytesIO(result.package)) as package:
        names = package.namelist()
        assert len(names) == 1
        assert b"TimbreFiscalDigital" in package.read(names[0])


def test_a_package_over_ten_megabytes_is_read_whole() -> None:
    payload = bytes(range(256)) * (11 * 1024 * 1024 // 256)
    encoded = base64.b64encode(payload).decode()
    assert len(encoded) > 10_000_000
    answer = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
        '<h:respuesta xmlns:h="http://DescargaMasivaTerceros.sat.gob.mx" CodEstatus="5000" Mensaje="ok"/>'
        '</s:Header><s:Body><RespuestaDescargaMasivaTercerosSalida xmlns="http://DescargaMasivaTerceros.sat.gob.mx">'
        f"<Paquete>{encoded}</Paquete></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>"
    ).encode()
    assert read_download("Descargar", answer).package == payload


def test_names_are_matched_ignoring_letter_case() -> None:
    answer = (
        b'<S:ENVELOPE xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:BODY>'
        b'<solicitaDescargaEmitidosResponse xmlns="http://DescargaMasivaTerceros.sat.gob.mx">'
        b'<solicitaDescargaEmitidosResult idSolicitud="abc" codEstatus="5005" mensaje="Solicitud duplicada"/>'
        b"</solicitaDescargaEmitidosResponse></S:BODY></S:ENVELOPE>"
    )
    result = read_query("SolicitaDescarga", answer)
    assert result.request_id == "abc"
    assert result.status is CodEstatus.SOLICITUD_DUPLICADA


def test_an_undocumented_code_is_kept_as_a_value() -> None:
    answer = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><R1Response><R1Result '
        b'CodEstatus="5011" Mensaje="Limite de descargas por folio por dia"/></R1Response>'
        b"</s:Body></s:Envelope>"
    )
    result = read_query("SolicitaDescarga", answer)
    assert result.status == 5011
    assert result.status.name == "DESCONOCIDO_5011"
    assert result.request_id == ""


def test_empty_and_unreadable_answers_raise_their_own_errors() -> None:
    with pytest.raises(EmptyResponseError):
        read_verify("Verifica", b"  \n")
    with pytest.raises(UnparseableResponseError, match="not XML"):
        read_verify("Verifica", b"<html><body>Service Unavailable")
    with pytest.raises(UnparseableResponseError, match="not a SOAP Envelope"):
        read_verify("Verifica", b"<html><body>Service Unavailable</body></html>")
    with pytest.raises(UnparseableResponseError, match="no VerificaSolicitudDescargaResult"):
        read_verify("Verifica", (RESPONSES / "query-issued.xml").read_bytes())


def test_an_external_entity_is_refused_not_resolved() -> None:
    answer = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><R1Response>'
        b'<R1Result IdSolicitud="&x;" CodEstatus="5000" Mensaje="ok"/></R1Response></s:Body></s:Envelope>'
    )
    with pytest.raises(UnparseableResponseError, match="external entity") as refused:
        read_query("SolicitaDescarga", answer)
    assert "root:" not in str(refused.value)
