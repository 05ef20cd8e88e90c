"""The request ledger (SQLite) copied into the warehouse before a publish, so that readers of the published
copy (the dashboard's Calidad de datos page) see which SAT requests are pending and for how long."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from etl.acquire import Ledger, RequestState
from schemas.solicitudes import SOLICITUDES_SAT
from warehouse import Warehouse

__all__ = ["snapshot_ledger"]


def snapshot_ledger(warehouse: Warehouse, ledger_path: Path) -> int:
    """Replace `solicitudes_sat` with every request of the ledger; returns how many were copied."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with Ledger(ledger_path) as ledger:
        entries = ledger.in_state(*RequestState)
    rows = [
        {
            "clave": e.key,
            "rfc": e.spec.rfc,
            "month": e.spec.month,
            "servicio": e.spec.service.value,
            "direction": e.spec.direction.value,
            "tipo_solicitud": e.spec.request_type.value,
            "estado": e.state.value,
            "id_solicitud": e.id_solicitud,
            "numero_cfdis": e.number_cfdis,
            "ultimo_codigo": e.last_code,
            "ultimo_mensaje": e.last_message,
            "creada": e.created_at,
            "enviada": e.submitted_at,
            "actualizada": e.updated_at,
            "terminada": e.finished_at,
            "instantanea": now,
        }
        for e in entries
    ]
    frame = pl.DataFrame(rows, schema=SOLICITUDES_SAT.schema) if rows else SOLICITUDES_SAT.empty()
    return warehouse.replace_snapshot(SOLICITUDES_SAT.name, frame)
