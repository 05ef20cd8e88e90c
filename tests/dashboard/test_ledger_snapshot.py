"""The request ledger copied into the warehouse at publish, for the Calidad de datos page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from etl.acquire import Ledger, RequestSpec, RequestState
from etl.sat import Direction, RequestType, Service
from pipeline._ledger_snapshot import snapshot_ledger
from warehouse import Warehouse

__all__: list[str] = []


def _spec(direction: Direction) -> RequestSpec:
    return RequestSpec(
        rfc="EKU9003173C9",
        service=Service.CFDI,
        direction=direction,
        request_type=RequestType.XML,
        start=datetime(2026, 1, 1),
        end=datetime(2026, 1, 31, 23, 59, 59),
        month=date(2026, 1, 1),
    )


def test_pending_requests_reach_the_published_copy_and_finished_ones_leave_the_view(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    waiting, done = _spec(Direction.ISSUED), _spec(Direction.RECEIVED)
    with Ledger(ledger_path) as ledger:
        ledger.record_planned(waiting)
        ledger.record_answer(
            waiting.key, RequestState.SUBMITTED, code=5000, message="ok", id_solicitud="id-1"
        )
        ledger.record_planned(done)
        ledger.record_answer(done.key, RequestState.FINISHED, code=5000, message="ok", id_solicitud="id-2")
    with Warehouse.open(tmp_path / "cfdi.duckdb") as warehouse:
        assert snapshot_ledger(warehouse, ledger_path) == 2
        copy = warehouse.publish()
    with Warehouse.open(copy, read_only=True) as reader:
        assert reader.query("SELECT estado FROM solicitudes_sat ORDER BY estado")["estado"].to_list() == [
            "finished",
            "submitted",
        ]
        pending = reader.query("SELECT id_solicitud, direction, atascada FROM solicitudes_pendientes")
        assert pending.rows() == [("id-1", "emitidos", False)]


def test_a_second_snapshot_replaces_the_first(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    spec = _spec(Direction.ISSUED)
    with Ledger(ledger_path) as ledger:
        ledger.record_planned(spec)
    with Warehouse.open(tmp_path / "cfdi.duckdb") as warehouse:
        snapshot_ledger(warehouse, ledger_path)
        with Ledger(ledger_path) as ledger:
            ledger.record_answer(spec.key, RequestState.EMPTY, code=5004, message="sin datos")
        snapshot_ledger(warehouse, ledger_path)
        assert warehouse.query("SELECT estado FROM solicitudes_sat").rows() == [("empty",)]
        assert warehouse.query("SELECT count(*) AS n FROM solicitudes_pendientes")["n"][0] == 0


def test_the_demo_publish_copies_every_ledger_request(demo_copy: Path) -> None:
    ledger_path = demo_copy.with_name("ledger.sqlite")
    with Ledger(ledger_path) as ledger:
        requests = len(ledger.in_state(*RequestState))
    with Warehouse.open(demo_copy, read_only=True) as reader:
        assert reader.query("SELECT count(*) AS n FROM solicitudes_sat")["n"][0] == requests > 0
