from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

from etl.acquire import Ledger, RequestSpec, RequestState
from etl.sat import Direction, RequestType, Service

SPEC = RequestSpec(
    rfc="eku9003173c9",
    service=Service.CFDI,
    direction=Direction.ISSUED,
    request_type=RequestType.METADATA,
    start=datetime(2026, 1, 1),
    end=datetime(2026, 1, 31, 23, 59, 59),
    month=date(2026, 1, 1),
)


def test_a_request_survives_reopening_with_its_id_answer_and_attempts(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record_planned(SPEC)
        ledger.record_answer(SPEC.key, RequestState.SUBMITTED, code=5000, message="ok", id_solicitud="abc-1")
        ledger.record_package_ids(SPEC.key, ["ABC-1_01", "ABC-1_02"])
        ledger.record_package_stored("ABC-1_01", "f" * 64, 123)
    with Ledger(path) as ledger:
        entry = ledger.get(SPEC.key)
        assert entry is not None
        assert entry.spec.key == SPEC.key
        assert (entry.spec.rfc, entry.spec.month) == ("EKU9003173C9", date(2026, 1, 1))
        assert (entry.state, entry.id_solicitud, entry.lifetime_requests) == (
            RequestState.SUBMITTED,
            "abc-1",
            1,
        )
        assert (entry.last_code, entry.last_message) == (5000, "ok")
        assert entry.submitted_at is not None
        assert [(p.package_id, p.sha256, p.size) for p in ledger.packages(SPEC.key)] == [
            ("ABC-1_01", "f" * 64, 123),
            ("ABC-1_02", None, None),
        ]


def test_each_planned_attempt_counts_toward_the_lifetime_maximum(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.record_planned(SPEC)
        ledger.record_answer(SPEC.key, RequestState.FAILED, code=5006, message="error interno")
        ledger.record_planned(SPEC)
        entry = ledger.get(SPEC.key)
        assert entry is not None
        assert entry.lifetime_requests == 2
        assert ledger.sat_requests_sent() == 2


def test_the_key_is_what_sat_is_asked_and_nothing_else() -> None:
    shifted = SPEC.with_period(SPEC.start, datetime(2026, 1, 31, 23, 59, 58))
    assert shifted.key != SPEC.key
    assert '"rfc":"EKU9003173C9"' in SPEC.key
    assert '"status":"Todos"' in SPEC.key


def test_received_xml_is_asked_vigente_because_sat_serves_nothing_else() -> None:
    spec = RequestSpec(
        "EKU9003173C9", Service.CFDI, Direction.RECEIVED, RequestType.XML, SPEC.start, SPEC.end, SPEC.month
    )
    assert spec.status.value == "Vigente"


def test_the_ledger_is_sqlite_in_wal_mode_so_several_processes_can_write(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
