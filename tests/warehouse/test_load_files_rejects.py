"""`cfdi-etl load-files`: a refused document is known by its content, never by the day it was loaded."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import warehouse._load as load_module
from cli.main import main
from schemas import REJECTS_PARTITION
from tests.paths import CFDI_FIXTURES
from warehouse import Warehouse

ISSUER = "EKU9003173C9"  # issues CfdiUtils-cfdi40-valid.xml
# Every column of a reject but the lineage of the load that wrote it (load_id, loaded_at).
_REJECT_ROWS = (
    "SELECT rfc, month, direction, source, sha256, tamano_bytes, documento, uuid, motivo "
    "FROM documentos_rechazados ORDER BY ALL"
)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "warehouse" / "cfdi.duckdb"


def _load_on(day: datetime, monkeypatch: pytest.MonkeyPatch, *files: Path) -> None:
    """One `load-files` run with the warehouse's clock (load ids, loaded_at) set to `day`."""
    monkeypatch.setattr(load_module, "_utc_now", lambda: day)
    result = _run("load-files", *map(str, files), "--rfc", ISSUER)
    assert result.exit_code == 0, result.output


def test_rejects_loaded_again_in_a_later_month_and_another_order_leave_every_table_identical(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "from-the-accountant"
    folder.mkdir()
    unreadable = folder / "a-truncated.xml"
    unreadable.write_bytes(b"<?xml version='1.0'?><cfdi:Comprobante Version='4.0'")
    good = folder / "b-good.xml"
    shutil.copy(CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml", good)

    _load_on(datetime(2026, 1, 15, 9, 30), monkeypatch, unreadable, good)
    with Warehouse.open(home, read_only=True) as wh:
        first_sums = wh.checksums()
        first_rejects = wh.query(_REJECT_ROWS).rows()
        assert wh.query("SELECT count(*) FROM comprobantes").item() == 1

    _load_on(datetime(2026, 3, 2, 18, 0), monkeypatch, good, unreadable)
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.checksums() == first_sums
        assert wh.query(_REJECT_ROWS).rows() == first_rejects
        # Both runs did write, each in its own month: the equality above is not for want of a second load.
        started = "SELECT DISTINCT date_trunc('month', started_at)::DATE FROM loads ORDER BY 1"
        months = wh.query(started).rows()
        assert [m for (m,) in months] == [date(2026, 1, 1), date(2026, 3, 1)]

    assert len(first_rejects) == 1
    rfc, month, direction, source, *_ = first_rejects[0]
    assert Path(source).name == unreadable.name
    assert (rfc, month, direction) == (REJECTS_PARTITION.rfc, REJECTS_PARTITION.month, "recibidos")


def test_one_reject_per_content_whatever_its_names_and_the_order_and_month_of_the_runs(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    truncated = b"<?xml version='1.0'?><cfdi:Comprobante Version='4.0'"
    first, second = tmp_path / "cliente-a", tmp_path / "cliente-b"
    first.mkdir()
    second.mkdir()
    (first / "factura.xml").write_bytes(truncated)
    (second / "copia de factura.xml").write_bytes(truncated)
    with zipfile.ZipFile(second / "paquete.zip", "w") as archive:
        archive.writestr("otra.xml", truncated)
        archive.writestr("buena.xml", (CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml").read_bytes())
    shutil.copy(CFDI_FIXTURES / "CfdiUtils-cfdi33-valid.xml", first / "buena-33.xml")

    _load_on(datetime(2026, 1, 31, 23, 59), monkeypatch, first, second)
    with Warehouse.open(home, read_only=True) as wh:
        first_sums = wh.checksums()
        first_rejects = wh.query(_REJECT_ROWS).rows()
        assert wh.query("SELECT count(*) FROM comprobantes").item() == 2

    _load_on(datetime(2026, 2, 1, 0, 0), monkeypatch, second, first)
    _load_on(datetime(2026, 7, 14, 8, 0), monkeypatch, second / "paquete.zip", second, first)
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.checksums() == first_sums
        assert wh.query(_REJECT_ROWS).rows() == first_rejects
        assert wh.query("SELECT count(DISTINCT date_trunc('month', started_at)) FROM loads").item() == 3

    # three copies of the same bytes, under three names: one reject
    assert len(first_rejects) == 1
    assert first_rejects[0][4] == hashlib.sha256(truncated).hexdigest()


def test_the_rejects_partition_is_not_a_loaded_month_but_its_rejects_are_listed(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreadable = tmp_path / "a-truncated.xml"
    unreadable.write_bytes(b"<?xml version='1.0'?><cfdi:Comprobante Version='4.0'")
    good = tmp_path / "b-good.xml"
    shutil.copy(CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml", good)
    _load_on(datetime(2026, 1, 15, 9, 30), monkeypatch, unreadable, good)

    with Warehouse.open(home, read_only=True) as wh:
        # The rejects' partition was written by a committed load, yet it is nobody's month to filter on.
        written = wh.query("SELECT DISTINCT rfc FROM loads WHERE status = 'committed' ORDER BY rfc").rows()
        assert (REJECTS_PARTITION.rfc,) in written
        assert wh.query("SELECT DISTINCT rfc FROM meses_cargados").rows() == [(ISSUER,)]
        assert wh.query("SELECT DISTINCT rfc FROM calidad_mensual").rows() == [(ISSUER,)]
        listed = wh.query("SELECT rfc, month, registros FROM rechazos_por_motivo").rows()
        assert listed == [(REJECTS_PARTITION.rfc, REJECTS_PARTITION.month, 1)]
