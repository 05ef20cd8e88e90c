"""Reading SAT's answer to `Descargar` as it arrives: the Paquete's base64 decoded into a sink, in pieces.

A package is hundreds of MB of base64 in one text node; building it as a tree (or one string) holds it
whole several times over. Expat hands the text over in pieces as the answer is fed, so memory stays at a
chunk whatever the package size. Like `etl.parse._xml.secure_parser`, the parser refuses any DTD (so no
entity is ever declared or expanded) and never loads anything from outside the answer.

The answer counts as whole only when the envelope closes, the Respuesta header was read and the base64
text ends on a complete group (padding only at its very end).
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from typing import Protocol
from xml.parsers import expat

from etl.sat._codes import CodEstatus
from etl.sat._errors import BrokenDownloadError, SoapFaultError, UnparseableResponseError

__all__ = ["DownloadReader", "PackageSink", "StreamedDownload"]

_WHITESPACE = b" \t\r\n"
_TEXT_BUFFER = 1 << 20  # expat hands text over in pieces of at most this many characters
_RESPUESTA = ("envelope", "header", "respuesta")
_PAQUETE = ("envelope", "body", "respuestadescargamasivatercerossalida", "paquete")
_FAULT = ("envelope", "body", "fault")


class PackageSink(Protocol):
    """Where the decoded package goes (a file in the package store's incoming folder, or memory)."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True, slots=True)
class StreamedDownload:
    """SAT's answer to `Descargar`, its package written to the sink: `size` bytes (0 when SAT sent none)."""

    status: CodEstatus
    message: str
    size: int


@dataclass(slots=True)
class _Base64:
    """Base64 text in, bytes out to the sink, in whole 4-character groups; strict about padding."""

    sink: PackageSink
    pending: bytes = b""
    padded: bool = False
    size: int = 0

    def write(self, text: str) -> None:
        try:
            data = text.encode("ascii").translate(None, _WHITESPACE)
        except UnicodeEncodeError:
            raise ValueError("the Paquete holds characters that are not base64") from None
        if not data:
            return
        if self.padded:
            raise ValueError("the Paquete goes on after its base64 padding")
        data = self.pending + data
        whole = len(data) - len(data) % 4
        self.pending = data[whole:]
        if whole:
            try:
                decoded = binascii.a2b_base64(data[:whole], strict_mode=True)
            except binascii.Error as error:
                raise ValueError(f"the Paquete is not base64 ({error})") from None
            self.padded = data[whole - 1 : whole] == b"="
            self.sink.write(decoded)
            self.size += len(decoded)

    def finish(self) -> None:
        if self.pending:
            raise ValueError(
                f"the base64 text ends in the middle of a group ({len(self.pending)} characters)"
            )


@dataclass(slots=True)
class _State:
    path: list[str] = field(default_factory=list)
    attributes: dict[str, str] | None = None  # the Respuesta header's, once read
    in_package: bool = False
    package_seen: bool = False
    fault: dict[str, list[str]] | None = None


class DownloadReader:
    """Feed it the answer's bytes as they come (`feed`), then `close` for the result.

    Raises `UnparseableResponseError` for an answer that is not the protocol's, `SoapFaultError` for a
    fault, and `BrokenDownloadError` for one that stopped early or whose package text is damaged.
    """

    def __init__(self, operation: str, sink: PackageSink) -> None:
        self._operation = operation
        self._package = _Base64(sink)
        self._state = _State()
        self._received = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = _TEXT_BUFFER
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self._parser = parser

    @property
    def received(self) -> int:
        return self._received

    def feed(self, chunk: bytes) -> None:
        self._received += len(chunk)
        self._parse(chunk, final=False)

    def close(self) -> StreamedDownload:
        if self._received == 0:
            raise BrokenDownloadError(self._operation, 0, "the answer is empty")
        self._parse(b"", final=True)
        state = self._state
        if state.fault is not None:
            code, text = (" ".join(state.fault.get(n, [])).strip() for n in ("faultcode", "faultstring"))
            raise SoapFaultError(self._operation, code, text)
        if state.attributes is None:
            raise UnparseableResponseError(
                self._operation, "no respuesta header with CodEstatus in the answer"
            )
        try:
            self._package.finish()
        except ValueError as error:
            raise BrokenDownloadError(self._operation, self._received, str(error)) from None
        raw = state.attributes.get("codestatus", "").strip()
        try:
            status = CodEstatus(int(raw))
        except ValueError:
            raise UnparseableResponseError(
                self._operation, f"attribute codestatus is {raw!r}, not a number"
            ) from None
        return StreamedDownload(status, state.attributes.get("mensaje", ""), self._package.size)

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as error:
            detail = expat.ErrorString(error.code)
            if self._state.path or final:
                # Inside the envelope, or at its end: the answer stopped or went wrong on the way.
                raise BrokenDownloadError(self._operation, self._received, f"XML: {detail}") from None
            raise UnparseableResponseError(self._operation, f"not XML: {detail}") from None
        except ValueError as error:  # from the package's base64
            raise BrokenDownloadError(self._operation, self._received, str(error)) from None

    def _refuse_dtd(self, *_: object) -> None:
        raise UnparseableResponseError(self._operation, "the answer declares a DTD, which SAT never sends")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        state = self._state
        local = _local(name)
        if not state.path and local != "envelope":
            raise UnparseableResponseError(
                self._operation, f"the root element is {local!r}, not a SOAP Envelope"
            )
        state.path.append(local)
        where = tuple(state.path)
        if where == _RESPUESTA:
            state.attributes = {_local(k): v for k, v in attributes.items()}
        elif where == _PAQUETE:
            state.in_package = state.package_seen = True
        elif where == _FAULT:
            state.fault = {}

    def _end(self, _: str) -> None:
        state = self._state
        if tuple(state.path) == _PAQUETE:
            state.in_package = False
        state.path.pop()

    def _text(self, text: str) -> None:
        state = self._state
        if state.in_package:
            self._package.write(text)
        elif state.fault is not None and len(state.path) == len(_FAULT) + 1:
            state.fault.setdefault(state.path[-1], []).append(text)


def _local(name: str) -> str:
    return name.rpartition(" ")[2].lower()
