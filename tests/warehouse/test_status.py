from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.warehouse._example import CATALOG, statuses, uuid_of
from warehouse import Warehouse

RFC = "EKU9003173C9"
OTHER = "XAXX010101000"
JAN = date(2024, 1, 1)
CANCELLED_AT = datetime(2024, 3, 5, 10, 30)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse.open(tmp_path / "wh.duckdb", catalog=CATALOG)


def _history(wh: Warehouse) -> list[tuple[object, ...]]:
    return wh.query(
        "SELECT uuid::VARCHAR, estatus, fecha_cancelacion, rfc FROM estatus_historial "
        "ORDER BY visto_desde, uuid"
    ).rows()


def test_a_cancellation_seen_in_a_later_metadata_load_is_added_to_the_history(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "metadata") as load:
        load.append(statuses([(1, None), (2, None)]), "m1.zip", "1" * 64)
    with wh.load(RFC, JAN, "emitidos", "metadata") as second:
        second.append(statuses([(1, None), (2, CANCELLED_AT)]), "m2.zip", "2" * 64)
    assert second.report is not None
    assert _history(wh) == [
        (uuid_of(1), "vigente", None, RFC),
        (uuid_of(2), "vigente", None, RFC),
        (uuid_of(2), "cancelado", CANCELLED_AT, RFC),
    ]
    since = wh.query(
        "SELECT uuid::VARCHAR FROM estatus_historial WHERE estatus = 'cancelado' AND load_id = ?",
        [second.report.load_id],
    ).to_series()
    assert since.to_list() == [uuid_of(2)]


def test_reloading_the_same_metadata_adds_nothing_to_the_history(wh: Warehouse) -> None:
    for _ in range(2):
        with wh.load(RFC, JAN, "emitidos", "metadata") as load:
            load.append(statuses([(1, None), (2, CANCELLED_AT)]), "m.zip", "1" * 64)
    assert len(_history(wh)) == 2


def test_a_stale_vigente_after_a_cancellation_does_not_reopen_the_document(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "metadata") as load:
        load.append(statuses([(1, CANCELLED_AT)]), "new.zip", "1" * 64)
    # The receiver's metadata was requested before the cancellation and loads afterwards.
    with wh.load(OTHER, JAN, "recibidos", "metadata") as load:
        load.append(statuses([(1, None)]), "old.zip", "2" * 64)
    assert _history(wh) == [(uuid_of(1), "cancelado", CANCELLED_AT, RFC)]


def test_a_failed_metadata_load_leaves_the_history_untouched(wh: Warehouse) -> None:
    with wh.load(RFC, JAN, "emitidos", "metadata") as load:
        load.append(statuses([(1, None)]), "m1.zip", "1" * 64)

    def failing() -> None:
        with wh.load(RFC, JAN, "emitidos", "metadata") as load:
            load.append(statuses([(1, CANCELLED_AT)]), "m2.zip", "2" * 64)
            raise OSError("disk vanished")

    with pytest.raises(OSError, match="disk vanished"):
        failing()
    assert _history(wh) == [(uuid_of(1), "vigente", None, RFC)]
