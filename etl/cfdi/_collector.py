"""A batch of CFDI documents in, typed frames per table out; a document that cannot be loaded is set aside."""

from __future__ import annotations

import uuid as uuid_module
from typing import cast

import polars as pl
from lxml import etree

from etl._xml import DocumentRejectedError, Rejection, parse_repaired, parse_tree, secure_parser
from etl.cfdi._events import CfdiEvents, NeedsTreeError
from etl.cfdi._raw import raw_rows
from etl.cfdi._rows import (
    COMPROBANTE_FIELDS,
    CONCEPTO_FIELDS,
    IMPUESTO_FIELDS,
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
from etl.cfdi._typed import DOC, cast_to_contract, string_frame
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

__all__ = ["CfdiCollector"]

# A document with no stamp (a local file never sent to a PAC) still needs an identity: one derived from its
# bytes, in a namespace of our own, recorded in `reparaciones`.
_UNSTAMPED = uuid_module.uuid5(uuid_module.NAMESPACE_URL, "urn:cfdi-etl:cfdi-sin-timbre")
_DECIMAL = pl.Decimal(18, 6)
_ONE = pl.lit(1).cast(_DECIMAL)

# child table, its row fields, the rows' attribute on Rows, and its integer position columns
_CHILDREN: tuple[tuple[Table, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (CONCEPTOS, CONCEPTO_FIELDS, "conceptos", ("numero", "numeros_pedimento", "cuentas_prediales")),
    (IMPUESTOS, IMPUESTO_FIELDS, "impuestos", ("numero", "concepto_numero")),
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


class CfdiCollector:
    """Parses CFDI documents one by one into row buffers; `finish` turns them into typed frames.

    Not thread-safe (it owns an lxml parser); use one per thread or process.
    """

    def __init__(self) -> None:
        self._rows = Rows()
        self._events = CfdiEvents(self._rows)
        self._parser = secure_parser(target=cast("etree.ParserTarget", self._events))

    def add(self, source: str, sha256: str, data: bytes) -> None:
        """Parse one document, or raise DocumentRejectedError having kept nothing of it."""
        rows = self._rows
        marks = rows.marks()
        doc = len(rows.uuids)
        try:
            repairs = self._parse(doc, marks, data)
            self._close(doc, source, sha256, len(data), repairs)
        except DocumentRejectedError as rejected:
            rows.truncate(marks)
            if rejected.uuid is None and self._events.uuid is not None:
                rejected.uuid = self._events.uuid
            raise

    def _parse(self, doc: int, marks: tuple[int, ...], data: bytes) -> list[str]:
        events = self._events
        if b"xmlns:schemaLocation" not in data:  # that defect is invisible to a target parser: go via a tree
            try:
                _, repairs = parse_repaired(data, lambda fixed: self._fast(doc, marks, fixed))
            except NeedsTreeError:
                self._rows.truncate(marks)
            else:
                if events.needs_raw:
                    root, _ = parse_tree(data)
                    self._rows.complementos_raw.extend(raw_rows(doc, root))
                return list(repairs)
        root, tree_repairs = parse_tree(data)
        events.begin(doc, fast=False)
        events.feed_tree(root)
        if events.needs_raw:
            self._rows.complementos_raw.extend(raw_rows(doc, root))
        return list(tree_repairs)

    def _fast(self, doc: int, marks: tuple[int, ...], data: bytes) -> None:
        self._rows.truncate(marks)  # a retry after a repair starts clean
        self._events.begin(doc, fast=True)
        etree.fromstring(data, self._parser)

    def _close(self, doc: int, source: str, sha256: str, size: int, repairs: list[str]) -> None:
        events, rows = self._events, self._rows
        if not events.header:
            raise DocumentRejectedError("no CFDI Comprobante element in the document")
        uuid = events.uuid
        if uuid is None:
            uuid = str(uuid_module.uuid5(_UNSTAMPED, sha256))
            repairs.append("sin_timbre_uuid_derivado")
        if events.timbre_duplicado:
            repairs.append("timbre_duplicado")
        rows.comprobantes.append(events.header)
        rows.uuids.append(uuid)
        rows.complementos.append(events.complementos)
        rows.tiene_addenda.append(events.tiene_addenda)
        rows.reparaciones.append(repairs)
        rows.sources.append(source)
        rows.sha256s.append(sha256)
        rows.sizes.append(size)
        assert len(rows.uuids) == doc + 1

    def finish(self) -> tuple[dict[str, pl.DataFrame], list[Rejection]]:
        """Typed frames for every CFDI table and complementos_raw, and the documents refused in typing."""
        rows = self._rows
        uuids = pl.Series("uuid", rows.uuids, dtype=pl.String())
        typed: dict[str, pl.DataFrame] = {}
        problems: dict[int, str] = {}

        header = string_frame(COMPROBANTES, COMPROBANTE_FIELDS, rows.comprobantes).with_columns(
            pl.Series(DOC, range(len(rows.uuids)), dtype=pl.Int64()),
            uuids,
            pl.Series("complementos", rows.complementos, dtype=pl.List(pl.String())),
            pl.Series("tiene_addenda", rows.tiene_addenda, dtype=pl.Boolean()),
            pl.Series("reparaciones", rows.reparaciones, dtype=pl.List(pl.String())),
            pl.Series("source", rows.sources, dtype=pl.String()),
            pl.Series("sha256", rows.sha256s, dtype=pl.String()),
        )
        header, failed = cast_to_contract(COMPROBANTES, header)
        problems.update(reversed(failed))
        typed[COMPROBANTES.name] = header.with_columns(
            (pl.col(name) * pl.col("tipo_cambio").fill_null(_ONE)).cast(_DECIMAL).alias(f"{name}_mxn")
            for name in (
                "sub_total",
                "descuento",
                "total",
                "total_impuestos_trasladados",
                "total_impuestos_retenidos",
            )
        )
        for table, fields, attribute, positions in _CHILDREN:
            child_rows: list[Row] = getattr(rows, attribute)
            frame = string_frame(table, fields, child_rows, positions)
            frame = frame.with_columns(uuids.gather(frame[DOC]).alias("uuid"))
            frame, failed = cast_to_contract(table, frame)
            for doc, reason in failed:
                problems.setdefault(doc, reason)
            typed[table.name] = frame
        typed[IMPUESTOS_LOCALES.name] = typed[IMPUESTOS_LOCALES.name].with_columns(
            (pl.col("tasa") / 100).cast(_DECIMAL)
        )
        typed[PAGOS.name] = typed[PAGOS.name].with_columns(
            (pl.col("monto") * pl.col("tipo_cambio_p").fill_null(_ONE)).cast(_DECIMAL).alias("monto_mxn")
        )

        rejections = [
            Rejection(rows.sources[doc], rows.sha256s[doc], rows.sizes[doc], "cfdi", rows.uuids[doc], reason)
            for doc, reason in sorted(problems.items())
        ]
        refused = pl.Series(DOC, sorted(problems), dtype=pl.Int64())
        frames: dict[str, pl.DataFrame] = {}
        for table in (COMPROBANTES, *(child[0] for child in _CHILDREN)):
            frame = typed[table.name]
            if problems:
                frame = frame.filter(~pl.col(DOC).is_in(refused))
            frame = frame.select(table.names)
            table.check(frame)
            frames[table.name] = frame
        self._rows = Rows()
        self._events = CfdiEvents(self._rows)
        self._parser = secure_parser(target=cast("etree.ParserTarget", self._events))
        return frames, rejections
