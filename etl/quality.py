"""What the asset checks verify, computed on a partition's staged frames (Polars, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from etl.acquire import LedgerEntry, RequestState
from etl.sat import RequestType
from etl.staging import Stage

__all__ = ["CountMismatch", "count_mismatches", "duplicate_uuids", "missing_xml", "unbalanced_documents"]

# SAT validates totals to the cent; more than this is not rounding.
_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CountMismatch:
    request: str
    reported_by_sat: int
    read: int

    def __str__(self) -> str:
        return (
            f"{self.request}: SAT reported {self.reported_by_sat:,} records, the packages hold {self.read:,}"
        )


def count_mismatches(stage: Stage, leaves: list[LedgerEntry]) -> list[CountMismatch]:
    """Finished metadata requests whose packages do not hold SAT's NumeroCFDIs records."""
    read: dict[str, int] = {}
    for package in stage.packages:
        read[package.request_key] = read.get(package.request_key, 0) + package.records
    return [
        CountMismatch(leaf.spec.describe(), leaf.number_cfdis or 0, read.get(leaf.key, 0))
        for leaf in leaves
        if leaf.spec.request_type is RequestType.METADATA
        and leaf.state is RequestState.FINISHED
        and (leaf.number_cfdis or 0) != read.get(leaf.key, 0)
    ]


def _table(stage: Stage, dataset: str, direction: str, table: str) -> pl.DataFrame | None:
    frames = [
        batch[table]
        for package in stage.packages
        if package.dataset == dataset and package.direction == direction
        for batch in stage.frames(package)
        if table in batch
    ]
    return pl.concat(frames) if frames else None


def missing_xml(stage: Stage, leaves: list[LedgerEntry]) -> dict[str, list[str]]:
    """Per direction whose XML was asked for, the vigente metadata UUIDs with no XML (loaded or rejected)."""
    asked = {leaf.spec.direction.value for leaf in leaves if leaf.spec.request_type is RequestType.XML}
    missing: dict[str, list[str]] = {}
    for direction in sorted(asked):
        metadata = _table(stage, "metadata", direction, "metadata")
        if metadata is None:
            continue
        expected = metadata.filter(pl.col("estatus") == "vigente").select("uuid").unique()
        seen = [
            frame.select("uuid").drop_nulls()
            for name in ("comprobantes", "retenciones", "documentos_rechazados")
            if (frame := _table(stage, "cfdi", direction, name)) is not None
        ]
        arrived = pl.concat(seen).unique() if seen else pl.DataFrame(schema={"uuid": pl.String()})
        absent = expected.join(arrived, on="uuid", how="anti").sort("uuid")["uuid"].to_list()
        if absent:
            missing[direction] = absent
    return missing


def duplicate_uuids(stage: Stage) -> dict[str, list[str]]:
    """Per direction and table (`emitidos comprobantes`, ...), UUIDs SAT sent more than once in the partition.

    The loader keeps one row per UUID; a duplicate still says something about what SAT sent.
    """
    found: dict[str, list[str]] = {}
    for dataset, table in (("cfdi", "comprobantes"), ("cfdi", "retenciones"), ("metadata", "metadata")):
        for direction in sorted({p.direction for p in stage.packages if p.dataset == dataset}):
            frame = _table(stage, dataset, direction, table)
            if frame is None:
                continue
            twice = frame.group_by("uuid").len().filter(pl.col("len") > 1).sort("uuid")["uuid"].to_list()
            if twice:
                found[f"{direction} {table}"] = twice
    return found


def unbalanced_documents(stage: Stage) -> pl.DataFrame:
    """Ingreso and egreso documents whose total or whose lines do not add up (to the cent)."""
    problems: list[pl.DataFrame] = []
    for direction in sorted({p.direction for p in stage.packages if p.dataset == "cfdi"}):
        headers = _table(stage, "cfdi", direction, "comprobantes")
        if headers is None:
            continue
        lines = _table(stage, "cfdi", direction, "conceptos")
        zero = pl.lit(Decimal(0), dtype=pl.Decimal(18, 6))
        documents = headers.filter(pl.col("tipo_de_comprobante").is_in(["I", "E"])).with_columns(
            expected_total=pl.col("sub_total").fill_null(zero)
            - pl.col("descuento").fill_null(zero)
            + pl.col("total_impuestos_trasladados").fill_null(zero)
            - pl.col("total_impuestos_retenidos").fill_null(zero)
            + pl.col("total_traslados_locales").fill_null(zero)
            - pl.col("total_retenciones_locales").fill_null(zero)
        )
        if lines is not None:
            sums = lines.group_by("uuid").agg(lines_total=pl.col("importe").sum())
            documents = documents.join(sums, on="uuid", how="left")
        else:
            documents = documents.with_columns(lines_total=pl.lit(None, dtype=pl.Decimal(18, 6)))
        off = documents.filter(
            ((pl.col("total") - pl.col("expected_total")).abs() > _TOLERANCE)
            | ((pl.col("lines_total") - pl.col("sub_total")).abs() > _TOLERANCE)
        )
        problems.append(
            off.select(
                pl.lit(direction).alias("direction"),
                "uuid",
                "sub_total",
                "lines_total",
                "total",
                "expected_total",
            )
        )
    return pl.concat(problems) if problems else pl.DataFrame()
