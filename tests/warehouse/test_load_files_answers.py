"""`cfdi-etl load-files` answers bad input with a message and counts, never a traceback; exit 1 only when
not one input could be read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from tests.paths import CFDI_FIXTURES
from warehouse import Warehouse

__all__: list[str] = []

ISSUER = "EKU9003173C9"  # issues CfdiUtils-cfdi40-valid.xml
# A path that is a regular file to every check and still fails when read (EIO), even for root.
_FAILS_ON_READ = Path("/proc/self/mem")


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "warehouse" / "cfdi.duckdb"


@pytest.fixture
def unreadable_xml(tmp_path: Path) -> Path:
    if not _FAILS_ON_READ.is_file():
        pytest.skip("needs Linux's /proc/self/mem for a file that cannot be read")
    link = tmp_path / "folder" / "a-unreadable.xml"
    link.parent.mkdir()
    link.symlink_to(_FAILS_ON_READ)
    return link


def test_a_loose_xml_that_cannot_be_read_is_reported_and_the_others_load_with_exit_code_0(
    home: Path, unreadable_xml: Path
) -> None:
    shutil.copy(CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml", unreadable_xml.parent / "b-good.xml")
    result = _run("load-files", str(unreadable_xml.parent), "--rfc", ISSUER)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"not read: {unreadable_xml}" in " ".join(result.stderr.split())
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.query("SELECT count(*) FROM comprobantes").item() == 1


def test_when_no_input_can_be_read_the_run_says_so_and_exits_1(home: Path, unreadable_xml: Path) -> None:
    result = _run("load-files", str(unreadable_xml), "--rfc", ISSUER)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "not read:" in result.stderr
