"""The warehouse's read side for operations, on a real DuckDB file: per-partition loads, received documents
cancelled after their month was loaded, partitions whose metadata and XML do not reconcile — and the
alert detectors fed from them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl

from etl.alerts import (
    CancelledDocument,
    EventKind,
    UnreconciledPartition,
    cancelled_after_loaded,
    unreconciled_partitions,
)
from schemas.metadata import METADATA
from warehouse import Warehouse, cancelled_after_load, partition_loads, unreconciled

RECEIVER, ISSUER = "BBB020202BB1", "AAA010101AAA"
JAN = date(2024, 1, 1)
CANCELLED_AT = datetime(2024, 3, 5, 10, 30)


def _uuid(n: int) -> str:
    return f"11111111-2222-4333-8444-{n:012d}"


def _metadata(*documents: tuple[int, datetime | None]) -> dict[str, pl.DataFrame]:
    rows = [
        {
            "uuid": _uuid(n),
            "rfc_emisor": ISSUER,
            "nombre_emisor": "Proveedor SA",
            "rfc_receptor": RECEIVER,
            "fecha_emision": datetime(2024, 1, 10, 12, 0),
            "monto": Decimal("1160"),
            "efecto_comprobante": "I",
            "estatus": "cancelado" if cancelled else "vigente",
            "fecha_cancelacion": cancelled,
            "source": "meta.txt",
            "numero_linea": n + 1,
        }
        for n, cancelled in documents
    ]
    filled = [{name: row.get(name) for name in METADATA.names} for row in rows]
    return {"metadata": pl.DataFrame(filled, schema=METADATA.schema)}


def test_a_received_document_cancelled_after_its_month_was_loaded_becomes_one_alert(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        with wh.load(RECEIVER, JAN, "recibidos", "metadata") as load:
            load.append(_metadata((1, None), (2, None)), "m1.zip", "1" * 64)
        with wh.load(RECEIVER, JAN, "recibidos", "metadata") as load:
            load.append(_metadata((1, CANCELLED_AT), (2, None)), "m2.zip", "2" * 64)
        rows = cancelled_after_load(wh)
        loads = partition_loads(wh, RECEIVER)
    (event,) = cancelled_after_loaded(CancelledDocument(**row) for row in rows.iter_rows(named=True))
    assert event.kind is EventKind.RECEIVED_CANCELLED
    assert (event.rfc, event.month, event.uuid) == (RECEIVER, JAN, _uuid(1))
    assert "amount 1160.00," in event.what
    assert "cancelled on 2024-03-05" in event.what
    assert loads.select("rfc", "month", "rows", "failed_loads").rows() == [(RECEIVER, JAN, 2, 0)]


def test_a_cancellation_already_in_the_first_load_is_not_an_alert(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        with wh.load(RECEIVER, JAN, "recibidos", "metadata") as load:
            load.append(_metadata((1, CANCELLED_AT)), "m1.zip", "1" * 64)
        assert cancelled_after_load(wh).height == 0


def test_metadata_without_its_xml_is_an_unreconciled_partition_after_the_configured_time(
    tmp_path: Path,
) -> None:
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        with wh.load(RECEIVER, JAN, "recibidos", "metadata") as load:
            load.append(_metadata((1, None), (2, None), (3, CANCELLED_AT)), "m1.zip", "1" * 64)
        frame = unreconciled(wh)
    (row,) = [UnreconciledPartition(**r) for r in frame.iter_rows(named=True)]
    assert (row.rfc, row.month, row.direction, row.missing_xml, row.missing_metadata) == (
        RECEIVER,
        JAN,
        "recibidos",
        2,  # the cancelled one is not expected as XML
        0,
    )
    assert unreconciled_partitions([row], row.loaded_since + timedelta(hours=1), timedelta(hours=48)) == []
    (event,) = unreconciled_partitions([row], row.loaded_since + timedelta(hours=49), timedelta(hours=48))
    assert event.key == f"partition_unreconciled:{RECEIVER}|2024-01-01|recibidos"


def test_a_cancellation_only_the_status_service_reports_becomes_one_alert(tmp_path: Path) -> None:
    # the service's answer comes after the load (the warehouse's clock is real time, naive UTC)
    seen_by_sat = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1)
    with Warehouse.open(tmp_path / "wh.duckdb") as wh:
        with wh.load(RECEIVER, JAN, "recibidos", "metadata") as load:
            load.append(_metadata((1, None), (2, None)), "m1.zip", "1" * 64)
        answer = {
            "uuid": _uuid(2), "estatus": "cancelado", "visto_desde": seen_by_sat, "load_id": "check-1",
            "rfc": RECEIVER, "direction": "recibidos", "es_cancelable": "Cancelable con aceptación",
            "estatus_cancelacion": "Cancelado con aceptación", "validacion_efos": "200",
            "codigo_estatus": None,
        }  # fmt: skip
        wh.record_status_answers(pl.DataFrame([answer]))
        rows = cancelled_after_load(wh)
    (event,) = cancelled_after_loaded(CancelledDocument(**row) for row in rows.iter_rows(named=True))
    assert (event.kind, event.rfc, event.uuid) == (EventKind.RECEIVED_CANCELLED, RECEIVER, _uuid(2))
