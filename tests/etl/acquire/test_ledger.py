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


# The ledger as its first version wrote it (before successors and download counts).
_FIRST_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    rfc TEXT NOT NULL,
    month TEXT NOT NULL,
    service TEXT NOT NULL,
    direction TEXT NOT NULL,
    request_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status_filter TEXT NOT NULL,
    parent_key TEXT REFERENCES requests(key),
    state TEXT NOT NULL,
    id_solicitud TEXT,
    lifetime_requests INTEGER NOT NULL DEFAULT 0,
    number_cfdis INTEGER,
    last_code INTEGER,
    last_message TEXT,
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS requests_by_partition ON requests (rfc, month);
CREATE INDEX IF NOT EXISTS requests_by_state ON requests (state);
CREATE TABLE IF NOT EXISTS packages (
    package_id TEXT PRIMARY KEY,
    request_key TEXT NOT NULL REFERENCES requests(key),
    sha256 TEXT,
    size INTEGER,
    downloaded_at TEXT
);
CREATE INDEX IF NOT EXISTS packages_by_request ON packages (request_key);
"""


def test_a_ledger_written_by_the_first_version_gains_the_new_columns_and_keeps_its_requests(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript(_FIRST_SCHEMA)
        old.execute(
            "INSERT INTO requests (key, rfc, month, service, direction, request_type, period_start, "
            "period_end, "
            "status_filter, state, id_solicitud, lifetime_requests, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 'old-1', 1, '2026-02-01T00:00:00', "
            "'2026-02-01T00:00:00')",
            (SPEC.key, SPEC.rfc, "2026-01-01", "cfdi", "emitidos", "Metadata", SPEC.start.isoformat(),
             SPEC.end.isoformat(), SPEC.status.value),
        )  # fmt: skip
        old.execute("INSERT INTO packages (package_id, request_key) VALUES ('old-1_01', ?)", (SPEC.key,))
        expired = SPEC.with_period(SPEC.start, datetime(2026, 1, 15))
        old.execute(
            "INSERT INTO requests (key, rfc, month, service, direction, request_type, period_start, "
            "period_end, status_filter, state, id_solicitud, last_code, lifetime_requests, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'failed', 'old-2', 5008, 1, "
            "'2026-02-01T00:00:00', '2026-02-01T00:00:00')",
            (expired.key, SPEC.rfc, "2026-01-01", "cfdi", "emitidos", "Metadata", expired.start.isoformat(),
             expired.end.isoformat(), SPEC.status.value),
        )  # fmt: skip
    for begun in (0, 1):  # opened again, it finds the columns already there
        with Ledger(path) as ledger:
            entry = ledger.get(SPEC.key)
            assert entry is not None
            assert (entry.state, entry.id_solicitud, entry.replaces) == (
                RequestState.SUBMITTED,
                "old-1",
                None,
            )
            assert ledger.successor(SPEC.key) is None
            assert [(p.package_id, p.download_attempts) for p in ledger.packages(SPEC.key)] == [
                ("old-1_01", begun)
            ]
            assert ledger.record_download_begun("old-1_01") == begun + 1
            # Its packages gone, an earlier version would ask its parameters again: now a successor does.
            gone = ledger.get(expired.key)
            assert gone is not None
            assert gone.state is RequestState.GONE
