"""A CFDI without its TimbreFiscalDigital is kept and shown, but never counted as a fiscal document."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.paths import CFDI_FIXTURES
from warehouse import Warehouse

ISSUER = "EKU9003173C9"  # issues CfdiUtils-cfdi40-valid.xml, an ingreso paid in one instalment (PUE)
_STAMPED = CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml"
_FISCAL_VIEWS = ("documentos", "documentos_con_cancelados", "ingresos_egresos_mensuales", "iva_mensual")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "warehouse" / "cfdi.duckdb"


def _unstamped_copy(folder: Path) -> Path:
    """The stamped fixture with its TimbreFiscalDigital removed: the invoice as it was before the PAC."""
    text = _STAMPED.read_text(encoding="utf-8")
    stamp = re.compile(r"<tfd:TimbreFiscalDigital\b.*?(?:/>|</tfd:TimbreFiscalDigital>)", re.DOTALL)
    unstamped, removed = stamp.subn("", text)
    assert removed == 1
    path = folder / "sin-timbre.xml"
    path.write_text(unstamped, encoding="utf-8")
    return path


def _views_after_loading(home: Path, *files: Path) -> dict[str, list[tuple[object, ...]]]:
    args = ["load-files", *map(str, files), "--rfc", ISSUER]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with Warehouse.open(home, read_only=True) as wh:
        return {view: wh.query(f"SELECT * FROM {view} ORDER BY ALL").rows() for view in _FISCAL_VIEWS}  # noqa: S608


def test_an_unstamped_cfdi_beside_its_stamped_original_is_listed_apart_and_counted_once(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    stamped = folder / "timbrado.xml"
    shutil.copy(_STAMPED, stamped)
    unstamped = _unstamped_copy(folder)

    alone = _views_after_loading(home, stamped)
    assert len(alone["documentos"]) == 1
    assert alone["ingresos_egresos_mensuales"]

    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "beside"))
    beside_home = tmp_path / "beside" / "warehouse" / "cfdi.duckdb"
    assert _views_after_loading(beside_home, stamped, unstamped) == alone
    with Warehouse.open(beside_home, read_only=True) as wh:
        kept = wh.query("SELECT count(*) FROM comprobantes").item()
        listed = wh.query("SELECT documento, rfc, direction, source FROM documentos_sin_timbre").rows()
    assert kept == 2
    assert listed == [("cfdi", ISSUER, "emitidos", str(unstamped))]


def test_an_unstamped_cfdi_alone_is_in_no_fiscal_view(tmp_path: Path, home: Path) -> None:
    views = _views_after_loading(home, _unstamped_copy(tmp_path))
    assert views == {view: [] for view in _FISCAL_VIEWS}
