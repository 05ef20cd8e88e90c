"""`cfdi-etl load-files`: a document above CFDI_ETL_MAX_DOCUMENT_BYTES, loose or in a zip, is one reject that
says its size and what to do; everything else loads and the command succeeds."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.paths import CFDI_FIXTURES
from warehouse import Warehouse

ISSUER = "EKU9003173C9"  # issues CfdiUtils-cfdi40-valid.xml
GOOD = (CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml").read_bytes()
OTHER = (CFDI_FIXTURES / "CfdiUtils-cfdi33-valid.xml").read_bytes()  # EKU9003173C9 issues it too


def test_documents_above_the_bound_loose_or_zipped_are_rejects_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    bound = max(len(GOOD), len(OTHER)) + 1
    monkeypatch.setenv("CFDI_ETL_MAX_DOCUMENT_BYTES", str(bound))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.xml").write_bytes(GOOD)
    huge = GOOD.replace(b"</cfdi:Comprobante>", b"<!--" + b"x" * bound + b"--></cfdi:Comprobante>")
    (folder / "huge.xml").write_bytes(huge)
    with zipfile.ZipFile(folder / "paquete.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("other.xml", OTHER)
        archive.writestr("huge-entry.xml", huge + b"\n")  # other bytes: another reject

    result = CliRunner().invoke(main, ["load-files", str(folder), "--rfc", ISSUER], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    with Warehouse.open(tmp_path / "home" / "warehouse" / "cfdi.duckdb", read_only=True) as wh:
        landed = wh.query("SELECT source FROM comprobantes ORDER BY 1")["source"].to_list()
        rejects = wh.query(
            "SELECT source, sha256, tamano_bytes, motivo FROM documentos_rechazados ORDER BY 1"
        )
        rows = rejects.rows()
    assert landed == [str(folder / "good.xml"), "paquete.zip/other.xml"]
    assert sorted((Path(s).name, h, n) for s, h, n, _ in rows) == [
        ("huge-entry.xml", hashlib.sha256(huge + b"\n").hexdigest(), len(huge) + 1),
        ("huge.xml", hashlib.sha256(huge).hexdigest(), len(huge)),
    ]
    assert all("CFDI_ETL_MAX_DOCUMENT_BYTES" in motivo for *_, motivo in rows)
    assert "more than the" in result.output


def test_a_bound_that_is_not_a_number_is_one_line_naming_its_variable_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CFDI_ETL_MAX_DOCUMENT_BYTES", "lots")
    (tmp_path / "good.xml").write_bytes(GOOD)
    result = CliRunner().invoke(main, ["load-files", str(tmp_path / "good.xml"), "--rfc", ISSUER])
    assert result.exit_code == 1  # as every setting that cannot be used (tests/cli/test_settings_errors.py)
    assert "CFDI_ETL_MAX_DOCUMENT_BYTES='lots' is not a positive number of bytes" in result.output
    assert "Traceback" not in result.output
