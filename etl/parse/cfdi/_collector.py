"""A batch of CFDI documents in, typed frames per table out; a document that cannot be loaded is set aside."""

from __future__ import annotations

import hashlib
import uuid as uuid_module
from typing import cast

import polars as pl
from lxml import etree

from etl.parse._whitespace import COLLAPSED, collapse_tokens
from etl.parse._xml import DocumentRejectedError, Rejection, parse_repaired, parse_tree, secure_parser
from etl.parse.cfdi._events import CfdiEvents, NeedsTreeError
from etl.parse.cfdi._line_items import LineItemSpill, concept_taxes, dict_frame, owner
from etl.parse.cfdi._native import native_extractor
from etl.parse.cfdi._raw import raw_rows
from etl.parse.cfdi._rows import (
    CONCEPTO_KEYS,
    HEADER_KEYS,
    IMPUESTO_KEYS,
    IMPUESTO_LOCAL_FIELDS,
    NOMINA_FIELDS,
    NOMINA_LINEA_FIELDS,
    PAGO_DOCUMENTO_FIELDS,
    PAGO_FIELDS,
    PAGO_IMPUESTO_FIELDS,
    PAGO_TOTALES_FIELDS,
    RAW_FIELDS,
    RELACIONADO_FIELDS,
    Row,
    Rows,
)
from etl.parse.cfdi._stream import stream_document
from etl.parse.cfdi._typed import DOC, cast_to_contract, string_frame, with_repair
from schemas import Table
from schemas.cfdi import (
    CFDI_RELACIONADOS,
    COMPROBANTES,
    CONCEPTOS,
    IMPUESTOS,
    IMPUESTOS_LOCALES,
    NOMINA_LINEAS,
    NOMINAS,
    PAGOS,
    PAGOS_DOCUMENTOS,
    PAGOS_IMPUESTOS,
    PAGOS_TOTALES,
)
from schemas.raw import COMPLEMENTOS_RAW

__all__ = ["LARGE_BYTES", "CfdiCollector"]

# A document with no stamp (a local file never sent to a PAC) still needs an identity: one derived from its
# bytes, in a namespace of our own, recorded in `reparaciones`.
_UNSTAMPED = uuid_module.uuid5(uuid_module.NAMESPACE_URL, "urn:cfdi-etl:cfdi-sin-timbre")
_DECIMAL = pl.Decimal(18, 6)
# Above this size a document is never held as a tree, even where the compiled extractor could read it:
# lxml's tree of a 20 MB CFDI took 17 times its size. CfdiEvents reads it as the parser's target, or
# streamed (`_stream`) where it would need a tree (an '&', raw elements, repairs); its line items are
# turned into frames a chunk at a time (`_line_items`). bench.large_document measures it.
LARGE_BYTES = 8 << 20
_ONE = pl.lit(1).cast(_DECIMAL)

# tables written as tuples: the table, its row fields, the rows' attribute on Rows, its int position columns
_TUPLE_TABLES: tuple[tuple[Table, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (IMPUESTOS_LOCALES, IMPUESTO_LOCAL_FIELDS, "impuestos_locales", ("numero",)),
    (CFDI_RELACIONADOS, RELACIONADO_FIELDS, "cfdi_relacionados", ("numero", "grupo")),
    (PAGOS, PAGO_FIELDS, "pagos", ("numero_pago",)),
    (PAGOS_TOTALES, PAGO_TOTALES_FIELDS, "pagos_totales", ()),
    (PAGOS_DOCUMENTOS, PAGO_DOCUMENTO_FIELDS, "pagos_documentos", ("numero_pago", "numero")),
    (PAGOS_IMPUESTOS, PAGO_IMPUESTO_FIELDS, "pagos_impuestos", ("numero", "numero_pago", "documento_numero")),
    (NOMINAS, NOMINA_FIELDS, "nominas", ("numero",)),
    (NOMINA_LINEAS, NOMINA_LINEA_FIELDS, "nomina_lineas", ("numero", "nomina_numero")),
    (COMPLEMENTOS_RAW, RAW_FIELDS, "complementos_raw", ("numero", "concepto_numero")),
)
_ALL_TABLES = (COMPROBANTES, CONCEPTOS, IMPUESTOS, *(table for table, *_ in _TUPLE_TABLES))
_MXN = ("sub_total", "descuento", "total", "total_impuestos_trasladados", "total_impuestos_retenidos")
# An amount whose MXN conversion does not fit MONEY: the amount stays as SAT wrote it, the converted one null.
_MXN_OUT_OF_RANGE = "conversion_mxn_fuera_de_rango"
# A payment line with an empty IdDocumento: the line is kept with a null id, the rest of the document too.
_EMPTY_ID_DOCUMENTO = "id_documento_vacio"


def _in_mxn(amount: str, rate: str) -> pl.Expr:
    """`amount` × coalesce(`rate`, 1) as MONEY, null where the product does not fit (never clipped)."""
    return (pl.col(amount) * pl.col(rate).fill_null(_ONE)).cast(_DECIMAL, strict=False)


def _unconverted(pairs: tuple[tuple[str, str], ...]) -> pl.Expr:
    """Whether any (amount, converted) pair has an amount but no converted value: it overflowed."""
    return pl.any_horizontal(pl.col(amount).is_not_null() & pl.col(mxn).is_null() for amount, mxn in pairs)


def _emptied(frame: pl.DataFrame, column: str) -> tuple[pl.DataFrame, pl.Series]:
    """`frame` with `column`'s empty (or whitespace-only) values as null, and the documents that had one."""
    empty = pl.col(column).str.strip_chars(" \t\n\r") == ""
    docs = frame.filter(empty)[DOC]
    if docs.is_empty():
        return frame, docs
    return frame.with_columns(pl.when(empty).then(None).otherwise(pl.col(column)).alias(column)), docs


def _text_list(name: str, values: list[list[str]]) -> pl.Series:
    """Short lists of names as a List(String) column; built from joined text, Polars being slow at nested
    Python lists."""
    joined = pl.Series(name, ["\x1f".join(names) for names in values], dtype=pl.String())
    return pl.select(
        pl.when(joined.str.len_bytes() == 0)
        .then(pl.lit([], dtype=pl.List(pl.String())))
        .otherwise(joined.str.split("\x1f"))
        .alias(name)
    ).to_series()


def _position_in(group: str) -> pl.Expr:
    return (pl.int_range(pl.len(), dtype=pl.Int64()).over(group) + 1).alias("numero")


class CfdiCollector:
    """Parses CFDI documents one by one into row buffers; `finish` turns them into typed frames.

    Three ways in, one result: with the compiled extractor (`_native`), each document is parsed into a
    tree and the extractor reads it, declining to CfdiEvents fed from the same tree what it does not
    handle; without it, CfdiEvents runs as an lxml target (no tree) and falls back to a tree for repairs.
    A document above `large_bytes` is read without a tree whole, whichever way (see LARGE_BYTES), to the
    same rows. Not thread-safe (it owns an lxml parser); use one per thread or process.
    """

    def __init__(self, *, compiled: bool = True, large_bytes: int = LARGE_BYTES) -> None:
        self._attempts = 0
        self._rows = Rows()
        self._spill = LineItemSpill(self._rows)
        self._events = CfdiEvents(self._rows)
        self._parser = secure_parser(target=cast("etree.ParserTarget", self._events))
        self._native = native_extractor() if compiled else None
        self._large_bytes = large_bytes
        self._marks: tuple[int, ...] = ()  # the row lists' lengths when the document being read started

    @property
    def compiled(self) -> bool:
        """Whether the compiled extractor reads the documents it can (see `_native`)."""
        return self._native is not None

    def add(self, source: str, data: bytes) -> None:
        """Parse one document, or raise DocumentRejectedError having kept nothing of it."""
        rows = self._rows
        marks = self._marks = rows.marks()
        doc = len(rows.uuids)
        self._events.forget_stamp()  # a document refused before CfdiEvents saw it gets no stale UUID
        large = len(data) > self._large_bytes
        self._events.spill = self._spill_line_items if large else None
        self._spill.begin(marks)
        try:
            if self._native is not None and not large:
                compiled_uuid, repairs = self._parse_compiled(doc, data)
            else:
                compiled_uuid, repairs = None, self._parse(doc, marks, data, large=large)
            if compiled_uuid is None:
                self._close(source, data, marks, repairs)
            else:
                self._accept(source, data, marks, compiled_uuid, repairs)
        except DocumentRejectedError as rejected:
            self._forget(doc, marks)
            if rejected.uuid is None and self._events.uuid is not None:
                rejected.uuid = self._events.uuid
            raise

    def _spill_line_items(self) -> None:
        self._spill.spill(self._events.doc, self._marks)

    def _parse_compiled(self, doc: int, data: bytes) -> tuple[str | None, list[str]]:
        """The stamp UUID as written when the compiled extractor read the document (None when it declined
        and CfdiEvents read it from the same tree), and the document's repairs."""
        assert self._native is not None
        root, repairs = parse_tree(data)
        added = self._native.add(root, doc)
        if added is None:
            return None, self._from_tree(doc, root, list(repairs))
        uuid, needs_raw = added
        if needs_raw:
            self._rows.complementos_raw.extend(raw_rows(doc, root))
        return uuid, list(repairs)

    def _parse(self, doc: int, marks: tuple[int, ...], data: bytes, *, large: bool = False) -> list[str]:
        """CfdiEvents as the parser's target; via a tree, or streamed when `large`, where it cannot be."""
        events = self._events
        self._attempts = 0
        # Via a tree when the target parser would be wrong: it cannot see the xmlns:schemaLocation defect,
        # and with entities unresolved it hands over '&' in attribute values as '&#38;' (lxml 6.1.3).
        if b"xmlns:schemaLocation" not in data and b"&" not in data:
            try:
                _, repairs = parse_repaired(data, lambda fixed: self._fast(doc, marks, fixed))
            except NeedsTreeError:
                self._forget(doc, marks)
            else:
                if not events.needs_raw:
                    return list(repairs)
                if not large:
                    root, _ = parse_tree(data)
                    self._rows.complementos_raw.extend(raw_rows(doc, root))
                    return list(repairs)
                self._forget(doc, marks)  # its raw elements are read in the same pass as the rest
        if large:
            return self._stream(doc, marks, data)
        root, tree_repairs = parse_tree(data)
        return self._from_tree(doc, root, list(tree_repairs))

    def _stream(self, doc: int, marks: tuple[int, ...], data: bytes) -> list[str]:
        """A large document read without its tree (`_stream`), repaired as any other."""
        events = self._events
        self._attempts = 0

        def attempt(fixed: bytes) -> list[Row]:
            if self._attempts:  # a retry after a repair starts clean
                self._forget(doc, marks)
            self._attempts += 1
            events.begin(doc, fast=False)
            return stream_document(doc, fixed, events)

        raw, repairs = parse_repaired(data, attempt)
        if events.needs_raw:
            self._rows.complementos_raw.extend(raw)
        return list(repairs)

    def _forget(self, doc: int, marks: tuple[int, ...]) -> None:
        """Drop what was read of the document so far, to read it again or refuse it."""
        self._rows.truncate(marks)
        self._spill.forget(doc)

    def _from_tree(self, doc: int, root: etree._Element, repairs: list[str]) -> list[str]:
        events = self._events
        events.begin(doc, fast=False)
        events.feed_tree(root)
        if events.needs_raw:
            self._rows.complementos_raw.extend(raw_rows(doc, root))
        return repairs

    def _fast(self, doc: int, marks: tuple[int, ...], data: bytes) -> None:
        if self._attempts:
            self._forget(doc, marks)  # a retry after a repair starts clean
        self._attempts += 1
        self._events.begin(doc, fast=True)
        etree.fromstring(data, self._parser)
        if self._parser.error_log:
            # namespace errors (an undeclared attribute prefix, a namespace that is not a URI) that the tree
            # parser raises and a target parser only logs: read the document as a tree, as the rest are
            raise NeedsTreeError(self._parser.error_log[0].message)

    def _close(self, source: str, data: bytes, marks: tuple[int, ...], repairs: list[str]) -> None:
        events, rows = self._events, self._rows
        if not events.header:
            raise DocumentRejectedError("no CFDI Comprobante element in the document")
        uuid = events.uuid
        if uuid is None:
            uuid = str(uuid_module.uuid5(_UNSTAMPED, hashlib.sha256(data).hexdigest()))
            repairs.append("sin_timbre_uuid_derivado")
        if events.timbre_duplicado:
            repairs.append("timbre_duplicado")
        if events.collapsed:
            repairs.append(COLLAPSED)
        rows.headers.append(events.header)
        rows.header_docs.append(len(rows.uuids))
        rows.complementos.append(events.complementos)
        rows.tiene_addenda.append(events.tiene_addenda)
        self._accept(source, data, marks, uuid, repairs)

    def _accept(
        self, source: str, data: bytes, marks: tuple[int, ...], uuid: str, repairs: list[str]
    ) -> None:
        rows = self._rows
        rows.uuids.append(uuid)
        rows.reparaciones.append(repairs)
        rows.sources.append(source)
        rows.data.append(data)
        rows.doc_marks.append(marks)

    def finish(self) -> tuple[dict[str, pl.DataFrame], list[Rejection]]:
        """Typed frames for every CFDI table and complementos_raw, and the documents refused in typing."""
        rows = self._rows
        text = self._text_frames()
        rows.forget_elements()
        if self._native is not None:
            text = _merged(text, self._native.text_frames())
        problems: dict[int, str] = {}
        typed: dict[str, pl.DataFrame] = {}
        collapsed: list[pl.Series] = []  # documents with whitespace collapsed, per table
        overflowed: list[pl.Series] = []  # documents with an MXN conversion that did not fit
        unnamed = pl.Series(DOC, [], dtype=pl.Int64())  # documents paying a line with an empty IdDocumento
        # one header per accepted document, in ordinal order: the per-document lists line up with it
        # each text frame is let go as its table is typed: a large document's text and typed rows are not
        # all in memory at once
        header = text.pop(COMPROBANTES.name).with_columns(
            pl.Series("uuid", rows.uuids, dtype=pl.String()),
            _text_list("reparaciones", rows.reparaciones),
            pl.Series("source", rows.sources, dtype=pl.String()),
        )

        def cast(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
            frame, padded = collapse_tokens(table, frame)
            collapsed.append(padded)
            frame, failed = cast_to_contract(table, frame)
            for doc, reason in failed:
                problems.setdefault(doc, reason)
            return frame

        comprobantes = cast(COMPROBANTES, header).with_columns(
            _in_mxn(name, "tipo_cambio").alias(f"{name}_mxn") for name in _MXN
        )
        overflowed.append(comprobantes.filter(_unconverted(tuple((n, f"{n}_mxn") for n in _MXN)))[DOC])
        typed[COMPROBANTES.name] = comprobantes
        # The stamp UUID is typed (a bad one refused) once per document, just above; every other row takes
        # it by ordinal (typing it per row cost 6 us a document, 6% of the parser).
        uuids = typed[COMPROBANTES.name]["uuid"]

        def typed_as(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
            return cast(table, frame).with_columns(uuids.gather(frame[DOC]))

        typed[CONCEPTOS.name] = typed_as(CONCEPTOS, text.pop(CONCEPTOS.name))
        # line-item taxes by line, transferred before withheld, then the document's own summary
        order = [DOC, pl.col("nivel") == "comprobante", "concepto_numero", pl.col("tipo") == "retencion"]
        impuestos = text.pop(IMPUESTOS.name).sort(order, maintain_order=True, nulls_last=True)
        typed[IMPUESTOS.name] = typed_as(IMPUESTOS, impuestos.with_columns(_position_in(DOC)))
        del impuestos
        for table, *_ in _TUPLE_TABLES:
            frame = text.pop(table.name, None)
            if frame is None or frame.height == 0:  # most batches have no payments or payroll
                typed[table.name] = pl.DataFrame(schema={DOC: pl.Int64(), **table.schema})
                continue
            if table is PAGOS_DOCUMENTOS:
                frame, unnamed = _emptied(frame, "id_documento")
            typed[table.name] = typed_as(table, frame)
        typed[IMPUESTOS_LOCALES.name] = typed[IMPUESTOS_LOCALES.name].with_columns(
            (pl.col("tasa") / 100).cast(_DECIMAL)
        )
        typed[PAGOS.name] = typed[PAGOS.name].with_columns(
            _in_mxn("monto", "tipo_cambio_p").alias("monto_mxn")
        )
        overflowed.append(typed[PAGOS.name].filter(_unconverted((("monto", "monto_mxn"),)))[DOC])
        header = with_repair(typed[COMPROBANTES.name], collapsed, COLLAPSED)
        header = with_repair(header, [unnamed], _EMPTY_ID_DOCUMENTO)
        typed[COMPROBANTES.name] = with_repair(header, overflowed, _MXN_OUT_OF_RANGE)

        rejections = [
            Rejection.of(rows.sources[doc], rows.data[doc], "cfdi", rows.uuids[doc], reason)
            for doc, reason in sorted(problems.items())
        ]
        refused = pl.Series(DOC, sorted(problems), dtype=pl.Int64())
        frames: dict[str, pl.DataFrame] = {}
        for table in _ALL_TABLES:
            frame = typed[table.name]
            if problems:
                frame = frame.filter(~pl.col(DOC).is_in(refused.implode()))
            frame = frame.select(table.names)
            table.check(frame)
            frames[table.name] = frame
        # the same buffers serve the next batch: nothing of this one is left for the garbage collector
        rows.clear()
        return frames, rejections

    def _text_frames(self) -> dict[str, pl.DataFrame]:
        """What the Python parser read, as text frames: every column as written (lists as lists), plus the
        document ordinal `doc` and the position columns, before typing."""
        rows, spill = self._rows, self._spill
        text: dict[str, pl.DataFrame] = {}
        text[COMPROBANTES.name] = dict_frame(COMPROBANTES, HEADER_KEYS, rows.headers).with_columns(
            pl.Series(DOC, rows.header_docs, dtype=pl.Int64()),
            _text_list("complementos", rows.complementos),
            pl.Series("tiene_addenda", rows.tiene_addenda, dtype=pl.Boolean()),
        )
        conceptos = dict_frame(CONCEPTOS, CONCEPTO_KEYS, rows.conceptos)
        conceptos = conceptos.with_columns(owner(rows.starts(rows.conceptos), conceptos.height))
        numero = _position_in(DOC)
        if spill.spilled:  # a large document's first line items are frames already: number on from them
            numero = numero + pl.col(DOC).replace_strict(spill.spilled, default=0, return_dtype=pl.Int64())
        conceptos = conceptos.with_columns(numero.alias("numero"))
        text[IMPUESTOS.name] = self._impuestos(conceptos)
        if spill.conceptos:
            conceptos = pl.concat([*spill.conceptos, conceptos]).sort(DOC, "numero")
        text[CONCEPTOS.name] = conceptos
        for table, fields, attribute, positions in _TUPLE_TABLES:
            child_rows: list[Row] = getattr(rows, attribute)
            if child_rows:
                text[table.name] = string_frame(table, fields, child_rows, positions)
        spill.clear()
        return text

    def _impuestos(self, conceptos: pl.DataFrame) -> pl.DataFrame:
        """All tax lines the Python parser read, unnumbered: line-item taxes, then document-level ones."""
        rows = self._rows
        parts = concept_taxes(
            conceptos,
            (
                ("traslado", rows.concept_traslados, rows.concept_traslado_starts),
                ("retencion", rows.concept_retenciones, rows.concept_retencion_starts),
            ),
        )
        for tipo, taxes in (("traslado", rows.doc_traslados), ("retencion", rows.doc_retenciones)):
            frame = dict_frame(IMPUESTOS, IMPUESTO_KEYS, taxes)
            parts.append(
                frame.with_columns(
                    owner(rows.starts(taxes), frame.height),
                    concepto_numero=pl.lit(None, dtype=pl.Int64()),
                    nivel=pl.lit("comprobante"),
                    tipo=pl.lit(tipo),
                )
            )
        return pl.concat([*parts, *self._spill.impuestos], how="diagonal")


def _merged(python: dict[str, pl.DataFrame], compiled: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Both paths' text frames of a batch as one per table, rows in document order (each document's rows
    come from one path, in its own order)."""
    merged: dict[str, pl.DataFrame] = {}
    for name in python.keys() | compiled.keys():
        ours, theirs = python.get(name), compiled.get(name)
        if ours is None or ours.height == 0:
            merged[name] = theirs if theirs is not None else pl.DataFrame()
        elif theirs is None or theirs.height == 0:
            merged[name] = ours
        else:
            both = pl.concat([ours, theirs.select(ours.columns).cast(ours.schema)])
            merged[name] = both.sort(DOC, maintain_order=True)
    return merged
