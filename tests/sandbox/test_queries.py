"""SAT's rules for a SolicitaDescarga's parameters, as the sandbox enforces them (301 and 5001)."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from sandbox import Code
from sandbox._queries import QueryRejectedError, read_query

_DES = "http://DescargaMasivaTerceros.sat.gob.mx"
_TODAY = dt.date(2026, 11, 21)
_RFC = "AAA010101AAA"


def _request(attributes: dict[str, str], receivers: tuple[str, ...] = ()) -> etree._Element:
    operation = etree.Element(f"{{{_DES}}}SolicitaDescargaEmitidos", nsmap={"des": _DES})
    request = etree.SubElement(operation, f"{{{_DES}}}solicitud", attributes)
    if receivers:
        container = etree.SubElement(request, f"{{{_DES}}}RfcReceptores")
        for rfc in receivers:
            etree.SubElement(container, f"{{{_DES}}}RfcReceptor").text = rfc
    return request


def _issued(**changes: str) -> dict[str, str]:
    attributes = {
        "RfcSolicitante": _RFC,
        "RfcEmisor": _RFC,
        "FechaInicial": "2025-01-01T00:00:00",
        "FechaFinal": "2025-01-31T23:59:59",
        "TipoSolicitud": "CFDI",
        "EstadoComprobante": "Todos",
    }
    attributes.update(changes)
    return {name: value for name, value in attributes.items() if value}


def test_a_valid_issued_request_is_read_with_its_filters_normalised() -> None:
    query = read_query("cfdi", "emitidos", _request(_issued(TipoComprobante="i"), ("BBB020202BB1",)), _TODAY)
    assert (query.request_type, query.status, query.document_type) == ("xml", "Todos", "I")
    assert query.counterpart_rfcs == ("BBB020202BB1",)
    assert (query.start, query.end) == ("2025-01-01T00:00:00", "2025-01-31T23:59:59")


def test_estado_comprobante_omitted_means_vigente_as_at_sat() -> None:
    assert read_query("cfdi", "emitidos", _request(_issued(EstadoComprobante="")), _TODAY).status == "Vigente"


def test_an_rfc_with_enye_and_ampersand_is_accepted() -> None:
    rfc = "Ñ&A010101AAA"
    query = read_query("cfdi", "emitidos", _request(_issued(RfcSolicitante=rfc, RfcEmisor=rfc)), _TODAY)
    assert query.requester_rfc == rfc


@pytest.mark.parametrize(
    ("changes", "receivers", "code"),
    [
        ({"FechaFinal": "2025-01-01T00:00:00"}, (), Code.MALFORMED),  # end not after start
        ({"FechaInicial": "2019-01-01T00:00:00"}, (), Code.MALFORMED),  # older than six years
        ({"FechaInicial": "2025-01-01"}, (), Code.MALFORMED),  # not SAT's date form
        ({"TipoSolicitud": "Zip"}, (), Code.MALFORMED),
        ({"TipoComprobante": "X"}, (), Code.MALFORMED),
        ({"EstadoComprobante": "Borrado"}, (), Code.MALFORMED),
        ({"Inventado": "1"}, (), Code.MALFORMED),
        ({}, ("BBB020202BB1",) * 6, Code.MALFORMED),  # more than five counterparts
        ({"RfcEmisor": "BBB020202BB1"}, (), Code.THIRD_PARTY_NOT_AUTHORISED),  # someone else's documents
    ],
)
def test_a_request_sat_would_refuse_gets_its_code(
    changes: dict[str, str], receivers: tuple[str, ...], code: Code
) -> None:
    with pytest.raises(QueryRejectedError) as refused:
        read_query("cfdi", "emitidos", _request(_issued(**changes), receivers), _TODAY)
    assert refused.value.code is code


def test_a_folio_request_takes_nothing_but_the_uuid() -> None:
    uuid = "4E80345D-917F-40BB-A98F-4A73939343C5"
    query = read_query("cfdi", "folio", _request({"RfcSolicitante": _RFC, "Folio": uuid}), _TODAY)
    assert (query.uuid, query.kind) == (uuid.lower(), "folio")
    with pytest.raises(QueryRejectedError):
        read_query(
            "cfdi",
            "folio",
            _request({"RfcSolicitante": _RFC, "Folio": uuid, "TipoSolicitud": "CFDI"}),
            _TODAY,
        )
    with pytest.raises(QueryRejectedError):
        read_query("cfdi", "folio", _request({"RfcSolicitante": _RFC, "Folio": "not-a-uuid"}), _TODAY)


def test_the_same_parameters_make_the_same_key_and_a_shifted_second_another() -> None:
    first = read_query("cfdi", "emitidos", _request(_issued()), _TODAY)
    again = read_query("cfdi", "emitidos", _request(_issued()), _TODAY)
    shifted = read_query("cfdi", "emitidos", _request(_issued(FechaInicial="2025-01-01T00:00:01")), _TODAY)
    assert first.key == again.key != shifted.key
    assert type(first).from_key(first.key) == first
