"""Descargar's answer read as it arrives: the package decoded in pieces, and each way it can be incomplete."""

from __future__ import annotations

import base64
import io
import os

import pytest

from etl.sat import BrokenDownloadError, CodEstatus, SoapFaultError, UnparseableResponseError
from etl.sat._download import DownloadReader, StreamedDownload

_HEAD = (
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
    b'<h:respuesta xmlns:h="http://DescargaMasivaTerceros.sat.gob.mx" CodEstatus="5000" Mensaje="ok"/>'
    b"</s:Header><s:Body>"
    b'<RespuestaDescargaMasivaTercerosSalida xmlns="http://DescargaMasivaTerceros.sat.gob.mx"><Paquete>'
)
_TAIL = b"</Paquete></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>"


class _Counting(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.largest = 0

    def write(self, data: bytes, /) -> int:  # type: ignore[override]
        self.largest = max(self.largest, len(data))
        return super().write(data)


def _read(answer: bytes, piece: int = 4096) -> tuple[StreamedDownload, _Counting]:
    sink = _Counting()
    reader = DownloadReader("Descargar", sink)
    for start in range(0, len(answer), piece):
        reader.feed(answer[start : start + piece])
    return reader.close(), sink


@pytest.mark.parametrize(
    ("size", "piece"), [(3000, 1), (3 * 1024 * 1024 + 1, 7), (3 * 1024 * 1024 + 2, 65536)]
)
def test_a_package_fed_in_pieces_of_any_size_comes_out_whole_and_never_held_whole(
    size: int, piece: int
) -> None:
    package = os.urandom(size)
    result, sink = _read(_HEAD + base64.b64encode(package) + _TAIL, piece)
    assert (result.status, result.message, result.size) == (CodEstatus.SOLICITUD_RECIBIDA, "ok", size)
    assert sink.getvalue() == package
    assert sink.largest <= 1 << 20


def test_line_breaks_and_character_references_in_the_base64_are_read_as_whitespace() -> None:
    encoded = base64.b64encode(b"a package of bytes")
    wrapped = encoded[:8] + b"\r\n" + encoded[8:16] + b"&#13;&#10;" + encoded[16:]
    result, sink = _read(_HEAD + wrapped + _TAIL, piece=5)
    assert sink.getvalue() == b"a package of bytes"
    assert result.size == 18


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (_HEAD + base64.b64encode(b"x" * 1000)[:500], "XML"),
        (_HEAD + base64.b64encode(b"x" * 1000)[:-1] + _TAIL, "middle of a group"),
        (_HEAD + b"QUJD=QUJD" + _TAIL, "base64"),
        (_HEAD + b"QUI=QUJD" + _TAIL, "padding"),
        (_HEAD + "QUJ\u00e9".encode() + _TAIL, "not base64"),
    ],
    ids=["cut-off", "cut-mid-group", "padding-inside", "data-after-padding", "not-base64"],
)
def test_an_answer_that_stopped_or_whose_package_is_damaged_is_a_broken_download(
    answer: bytes, detail: str
) -> None:
    with pytest.raises(BrokenDownloadError, match=detail):
        _read(answer)


def test_an_empty_answer_is_a_broken_download() -> None:
    with pytest.raises(BrokenDownloadError, match="empty"):
        DownloadReader("Descargar", io.BytesIO()).close()


def test_an_answer_declaring_a_dtd_is_refused_before_any_entity_is_read() -> None:
    answer = b'<!DOCTYPE s [<!ENTITY x "boom">]>' + _HEAD + b"&x;" + _TAIL
    with pytest.raises(UnparseableResponseError, match="DTD"):
        _read(answer)


def test_a_soap_fault_is_raised_as_such() -> None:
    answer = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        b"<faultcode>a:InvalidSecurity</faultcode><faultstring>An error occurred.</faultstring>"
        b"</s:Fault></s:Body></s:Envelope>"
    )
    with pytest.raises(SoapFaultError, match="InvalidSecurity"):
        _read(answer)


def test_a_refusal_without_a_package_gives_its_code_and_nothing_written() -> None:
    answer = _HEAD.replace(b'CodEstatus="5000"', b'CodEstatus="5008"').removesuffix(b"<Paquete>") + (
        b"<Paquete/></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>"
    )
    result, sink = _read(answer)
    assert (result.status, result.size, sink.getvalue()) == (CodEstatus.MAXIMO_DE_DESCARGAS, 0, b"")


def test_what_is_not_a_soap_envelope_is_unparseable() -> None:
    with pytest.raises(UnparseableResponseError, match="not a SOAP Envelope"):
        _read(b"<html><body>Runtime Error</body></html>")
