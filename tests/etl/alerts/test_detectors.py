"""Detectors find each fact once, with a key that stays the same while the fact does."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from etl.acquire import Ledger, RequestSpec, RequestState
from etl.alerts import (
    EventKind,
    UnreconciledPartition,
    fiel_expiring,
    pending_requests,
    requests_needing_a_person,
    unreconciled_partitions,
)
from etl.sat import Direction, RequestType, Service

RFC = "AAA010101AAA"
MONTH = date(2026, 8, 1)


def _spec(day: int) -> RequestSpec:
    return RequestSpec(
        RFC,
        Service.CFDI,
        Direction.RECEIVED,
        RequestType.METADATA,
        datetime(2026, 8, day),
        datetime(2026, 8, day, 23, 59, 59),
        MONTH,
    )


def test_a_request_is_reported_pending_only_past_the_configured_age_and_with_a_stable_key(
    tmp_path: Path,
) -> None:
    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record_planned(_spec(1))
        ledger.record_answer(
            _spec(1).key, RequestState.SUBMITTED, code=5000, message="ok", id_solicitud="id-1"
        )
        entries = ledger.in_state(RequestState.SUBMITTED)
    since = entries[0].submitted_at
    assert since is not None
    assert pending_requests(entries, since + timedelta(hours=23), timedelta(hours=24)) == []
    later = pending_requests(entries, since + timedelta(hours=25), timedelta(hours=24))
    even_later = pending_requests(entries, since + timedelta(hours=90), timedelta(hours=24))
    assert [e.kind for e in later] == [EventKind.REQUEST_PENDING]
    assert later[0].key == even_later[0].key
    assert "id-1" in later[0].what


def test_lifetime_limit_certificate_refused_and_rejection_need_a_person_but_an_expiry_does_not(
    tmp_path: Path,
) -> None:
    answers = {
        1: (RequestState.EXHAUSTED, 5002, "Se agotó las solicitudes de por vida"),
        2: (RequestState.FAILED, 304, "Certificado Revocado o Caduco"),
        3: (RequestState.FAILED, 301, "XML Mal Formado"),
        4: (RequestState.FAILED, 5007, "No existe el paquete solicitado"),  # the next run asks again
        5: (RequestState.FINISHED, 5000, "Solicitud Aceptada"),
    }
    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        for day, (state, code, message) in answers.items():
            ledger.record_planned(_spec(day))
            ledger.record_answer(_spec(day).key, state, code=code, message=message)
        events = requests_needing_a_person(ledger.for_partition(RFC, MONTH))
    assert len(events) == 3
    assert "lifetime maximum" in events[0].what
    assert "certificate" in events[1].what
    assert "rejected" in events[2].what
    assert all(e.rfc == RFC and e.month == MONTH for e in events)


def test_an_efirma_is_reported_within_the_warning_window_once_per_certificate() -> None:
    not_after = datetime(2026, 10, 1)
    assert fiel_expiring(RFC, not_after, date(2026, 8, 1), within_days=30) == []
    soon = fiel_expiring(RFC, not_after, date(2026, 9, 15), within_days=30)
    sooner = fiel_expiring(RFC, not_after, date(2026, 9, 25), within_days=30)
    assert soon[0].key == sooner[0].key
    assert "expires in 16 day(s)" in soon[0].what
    renewed = fiel_expiring(RFC, datetime(2030, 10, 1), date(2030, 9, 25), within_days=30)
    assert renewed[0].key != soon[0].key
    assert "expired" in fiel_expiring(RFC, not_after, date(2026, 10, 2), within_days=30)[0].what


def test_a_partition_is_unreconciled_only_after_the_configured_time() -> None:
    loaded = datetime(2026, 9, 1, 8)
    row = UnreconciledPartition(RFC, MONTH, "recibidos", 2, 0, loaded)
    assert unreconciled_partitions([row], loaded + timedelta(hours=47), timedelta(hours=48)) == []
    (event,) = unreconciled_partitions([row], loaded + timedelta(hours=49), timedelta(hours=48))
    assert event.kind is EventKind.PARTITION_UNRECONCILED
    assert "2 document(s) listed in metadata have no XML" in event.what
