"""A batch of Retenciones documents in, typed frames out; a document that cannot be loaded is set aside.

Implements etl.parse.documents' DocumentCollector protocol, so the dispatch can hand it every document whose
root element is `Retenciones`.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

import polars as pl

from etl.parse._whitespace import COLLAPSED, collapse_tokens
from etl.parse._xml import Rejection, parse_tree
from etl.parse.cfdi import DOC, cast_to_contract, string_frame, with_repair
from etl.parse.retenciones._document import HEADER_FIELDS, IMPUESTO_FIELDS, RAW_FIELDS, read_retencion
from schemas.raw import COMPLEMENTOS_RAW
from schemas.retenciones import RETENCIONES, RETENCIONES_IMPUESTOS

__all__ = ["RetencionesCollector"]

# A document with no stamp (a local file never sent to a PAC) still needs an identity: one derived from
# its bytes, in a namespace of our own, recorded in `reparaciones`.
_UNSTAMPED = uuid_module.uuid5(uuid_module.NAMESPACE_URL, "urn:cfdi-etl:retenciones-sin-timbre")


class RetencionesCollector:
    """Parses Retenciones documents one by one into row buffers; `finish` turns them into typed frames."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._headers: list[tuple[Any, ...]] = []
        self._impuestos: list[tuple[Any, ...]] = []
        self._raw: list[tuple[Any, ...]] = []
        self._uuids: list[str] = []
        self._sources: list[tuple[str, str, int]] = []

    def add(self, source: str, sha256: str, data: bytes) -> None:
        """Parse one document, or raise DocumentRejectedError having kept nothing of it."""
        root, repairs = parse_tree(data)
        parsed = read_retencion(root)
        reparaciones = list(repairs)
        uuid = parsed.uuid
        if uuid is None:
            uuid = str(uuid_module.uuid5(_UNSTAMPED, sha256))
            reparaciones.append("sin_timbre_uuid_derivado")
        if parsed.timbre_duplicado:
            reparaciones.append("timbre_duplicado")
        if parsed.fecha_exp_del_timbre:
            reparaciones.append("fecha_exp_de_timbrado")
        if parsed.espacios_colapsados:
            reparaciones.append(COLLAPSED)
        doc = len(self._uuids)
        self._uuids.append(uuid)
        self._sources.append((source, sha256, len(data)))
        self._headers.append(
            (doc, *parsed.header, parsed.complementos, parsed.tiene_addenda, reparaciones, source, sha256)
        )
        self._impuestos.extend((doc, *row) for row in parsed.impuestos)
        self._raw.extend((doc, *row) for row in parsed.raw)

    def finish(self) -> tuple[dict[str, pl.DataFrame], list[Rejection]]:
        """Typed frames for `retenciones`, `retenciones_impuestos` and `complementos_raw`, and the
        documents refused while typing (a value that is not a number, a date…)."""
        uuids = pl.Series("uuid", self._uuids, dtype=pl.String())
        problems: dict[int, str] = {}
        typed: dict[str, pl.DataFrame] = {}
        collapsed: list[pl.Series] = []  # documents with whitespace collapsed, per table
        header_fields = (
            DOC,
            *HEADER_FIELDS,
            "complementos",
            "tiene_addenda",
            "reparaciones",
            "source",
            "sha256",
        )
        tables = (
            (RETENCIONES, header_fields, self._headers, ("complementos", "tiene_addenda", "reparaciones")),
            (RETENCIONES_IMPUESTOS, (DOC, *IMPUESTO_FIELDS), self._impuestos, ("numero", "pago_definitivo")),
            (COMPLEMENTOS_RAW, (DOC, *RAW_FIELDS), self._raw, ("numero", "concepto_numero")),
        )
        for table, fields, rows, python_typed in tables:
            frame = string_frame(table, fields, rows, python_typed)
            frame = frame.with_columns(uuids.gather(frame[DOC]).alias("uuid"))
            frame, padded = collapse_tokens(table, frame)
            collapsed.append(padded)
            frame, failed = cast_to_contract(table, frame)
            for doc, reason in failed:
                problems.setdefault(doc, reason)
            typed[table.name] = frame
        typed[RETENCIONES.name] = with_repair(typed[RETENCIONES.name], collapsed, COLLAPSED)

        rejections = [
            Rejection(*self._sources[doc], "retenciones", self._uuids[doc], reason).storable()
            for doc, reason in sorted(problems.items())
        ]
        refused = pl.Series(DOC, sorted(problems), dtype=pl.Int64())
        frames: dict[str, pl.DataFrame] = {}
        for table, *_ in tables:
            frame = typed[table.name]
            if problems:
                frame = frame.filter(~pl.col(DOC).is_in(refused.implode()))
            frame = frame.select(table.names)
            table.check(frame)
            frames[table.name] = frame
        self._reset()
        return frames, rejections
