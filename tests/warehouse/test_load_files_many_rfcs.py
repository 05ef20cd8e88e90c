"""`cfdi-etl load-files --rfc registered`: an accountant's folder of many taxpayers, filed for each client.

Every document is filed under each loaded RFC that issued or received it (both sides for a document
between two of them), one for nobody is refused naming who issued it to whom, the summary says per RFC
what landed on each side, and the same folder loaded again leaves every table identical.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from sandbox import generate_test_fiel
from schemas import REJECTS_PARTITION
from tests.paths import CFDI_FIXTURES, SAT_FIXTURES
from warehouse import Warehouse

__all__: list[str] = []

# Three registered clients, and taxpayers who are none of them.
A, B, C = "AAA010101AAA", "BBB020202BB1", "CCC030303CC3"
STRANGER, OTHER = "XYZ991231AB1", "MNO880808MN8"
_TEMPLATE = CFDI_FIXTURES / "CfdiUtils-cfdi40-valid.xml"
_TEMPLATE_ISSUER, _TEMPLATE_RECEIVER = "EKU9003173C9", "MCI7306249Y1"
_TEMPLATE_UUID = "6F35D3B5-3651-5370-BC2C-14CDBE384CD7"

# Each document of the folder: (file name, issuer, receiver, UUID).
_DOCUMENTS = (
    ("a-to-b.xml", A, B, "11111111-1111-4111-8111-111111111111"),
    ("b-to-c.xml", B, C, "22222222-2222-4222-8222-222222222222"),
    ("a-to-stranger.xml", A, STRANGER, "33333333-3333-4333-8333-333333333333"),
    ("stranger-to-c.xml", STRANGER, C, "44444444-4444-4444-8444-444444444444"),
    ("a-to-itself.xml", A, A, "55555555-5555-4555-8555-555555555555"),
    ("stranger-to-other.xml", STRANGER, OTHER, "66666666-6666-4666-8666-666666666666"),
    ("c-to-a-undated.xml", C, A, "77777777-7777-4777-8777-777777777777"),
)
# Every table is compared by its checksums; these also row by row, for a readable difference.
_COMPARED = ("comprobantes", "conceptos", "documentos_rechazados")
_CONTENTS = "SELECT * EXCLUDE (load_id, source_package, source_sha256, loaded_at) FROM {} ORDER BY ALL"


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CFDI_ETL_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "warehouse" / "cfdi.duckdb"


def _register(tmp_path: Path, *rfcs: str) -> None:
    """`cfdi-etl rfc add` for each RFC, with a test e.firma from the sandbox's test CA (no password set)."""
    for rfc in rfcs:
        fiel = generate_test_fiel(rfc, tmp_path / "fiel" / rfc, "secreto", ca_dir=tmp_path / "test-ca")
        added = _run("rfc", "add", rfc, "--cer", str(fiel.certificate), "--key", str(fiel.private_key))
        assert added.exit_code == 0, added.output


def _accountants_folder(tmp_path: Path) -> Path:
    """The documents of `_DOCUMENTS`, each the template CFDI 4.0 with its issuer, receiver and UUID."""
    folder = tmp_path / "accountant"
    (folder / "clients").mkdir(parents=True)
    template = _TEMPLATE.read_text(encoding="utf-8")
    for name, issuer, receiver, uuid in _DOCUMENTS:
        text = (
            template.replace(f'Rfc="{_TEMPLATE_ISSUER}"', f'Rfc="{issuer}"')
            .replace(f'Rfc="{_TEMPLATE_RECEIVER}"', f'Rfc="{receiver}"')
            .replace(_TEMPLATE_UUID, uuid)
        )
        if "undated" in name:  # refused: no month to file it under, for either of its two clients
            text = text.replace(' Fecha="2025-02-19T08:32:29"', "")
        # One of them with a byte order mark, a defect that is repaired (and counted) while reading.
        encoding = "utf-8-sig" if name == "b-to-c.xml" else "utf-8"
        (folder / "clients" / name).write_text(text, encoding=encoding)
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 this is no zip")
    return folder


def _per_rfc(summary: str) -> dict[str, list[int]]:
    """The summary's "Documents per RFC" lines: RFC -> [issued, received, refused]."""
    rows: dict[str, list[int]] = {}
    for line in summary.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃|]", line) if cell.strip()]
        if len(cells) == 4 and cells[0] in (A, B, C) and all(c.isdigit() for c in cells[1:]):
            rows[cells[0]] = [int(c) for c in cells[1:]]
    return rows


def test_a_folder_of_many_taxpayers_is_filed_for_every_registered_rfc_on_each_side_it_plays(
    tmp_path: Path, home: Path
) -> None:
    _register(tmp_path, A, B, C)
    folder = _accountants_folder(tmp_path)

    result = _run("load-files", str(folder), "--rfc", "registered")

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with Warehouse.open(home, read_only=True) as wh:
        filed = set(wh.query("SELECT uuid::VARCHAR, rfc, direction FROM comprobantes").rows())
        refused = wh.query("SELECT source, uuid::VARCHAR, motivo FROM documentos_rechazados").rows()
    uuid = {name: uuid.lower() for name, _, _, uuid in _DOCUMENTS}
    assert filed == {
        (uuid["a-to-b.xml"], A, "emitidos"),
        (uuid["a-to-b.xml"], B, "recibidos"),
        (uuid["b-to-c.xml"], B, "emitidos"),
        (uuid["b-to-c.xml"], C, "recibidos"),
        (uuid["a-to-stranger.xml"], A, "emitidos"),
        (uuid["stranger-to-c.xml"], C, "recibidos"),
        (uuid["a-to-itself.xml"], A, "emitidos"),
        (uuid["a-to-itself.xml"], A, "recibidos"),
    }
    by_file = {Path(source).name: (found, reason) for source, found, reason in refused}
    assert set(by_file) == {"stranger-to-other.xml", "c-to-a-undated.xml", "broken.zip"}
    found, reason = by_file["stranger-to-other.xml"]
    assert found == uuid["stranger-to-other.xml"]
    assert f"issued by {STRANGER} to {OTHER}" in reason
    assert "neither issued nor received by a loaded RFC" in reason
    assert "cannot be opened" in by_file["broken.zip"][1]

    # Per RFC: issued, received, and refused of its own (the undated one is both A's and C's).
    assert _per_rfc(result.stderr) == {A: [3, 1, 1], B: [1, 1, 0], C: [0, 2, 1]}
    assert re.search(
        rf"2 refused for 2 reason\(s\).*\n(\s+1\s+.*\n)?\s+1\s+neither issued nor received.*{OTHER}",
        result.stderr,
    )
    assert re.search(r"\n\s+1\s+has no date of issue.*c-to-a-undated\.xml", result.stderr)
    assert "not read:" in result.stderr
    assert "broken.zip" in result.stderr
    assert re.search(
        r"Repaired while reading \(1, recorded in reparaciones\):\n\s+1\s+bom_utf8", result.stderr
    )


def test_the_same_folder_loaded_again_with_the_rfcs_given_by_hand_leaves_every_table_identical(
    tmp_path: Path, home: Path
) -> None:
    _register(tmp_path, A, B, C)
    folder = _accountants_folder(tmp_path)
    assert _run("load-files", str(folder), "--rfc", "registered").exit_code == 0
    with Warehouse.open(home, read_only=True) as wh:
        first = wh.checksums()
        contents = {name: wh.query(_CONTENTS.format(name)).rows() for name in _COMPARED}

    again = _run("load-files", str(folder), "--rfc", C, "--rfc", A, "--rfc", B.lower())

    assert again.exit_code == 0, again.output
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.checksums() == first
        assert wh.query("SELECT count(*) FROM comprobantes").item() == 8
        for name in _COMPARED:
            assert wh.query(_CONTENTS.format(name)).rows() == contents[name], name


def test_a_repeated_rfc_files_its_documents_once(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(_TEMPLATE, folder / "good.xml")
    result = _run("load-files", str(folder), "--rfc", _TEMPLATE_ISSUER, "--rfc", _TEMPLATE_ISSUER.lower())
    assert result.exit_code == 0, result.output
    with Warehouse.open(home, read_only=True) as wh:
        assert wh.query("SELECT rfc, direction FROM comprobantes").rows() == [(_TEMPLATE_ISSUER, "emitidos")]


def test_rfc_registered_with_nothing_registered_is_a_usage_error_naming_rfc_add(
    tmp_path: Path, home: Path
) -> None:
    result = _run("load-files", str(CFDI_FIXTURES), "--rfc", "registered")
    assert result.exit_code == 2
    assert "no RFC is registered yet" in result.output
    assert "cfdi-etl rfc add" in result.output
    assert not home.exists()


def test_one_bad_rfc_among_several_is_refused_before_anything_is_read(tmp_path: Path, home: Path) -> None:
    result = _run("load-files", str(CFDI_FIXTURES), "--rfc", A, "--rfc", "NOT-AN-RFC")
    assert result.exit_code == 2
    assert "is not an RFC" in result.output
    assert not home.exists()


def test_metadata_records_are_filed_for_each_loaded_rfc_and_those_of_nobody_are_named(home: Path) -> None:
    package = str(SAT_FIXTURES / "packages" / "metadata-terceros.zip")  # AAA010101AAA to COSC8001137NA
    both = _run("load-files", package, "--rfc", A, "--rfc", "COSC8001137NA")
    assert both.exit_code == 0, both.output
    with Warehouse.open(home, read_only=True) as wh:
        sides = wh.query("SELECT rfc, direction, count(*) FROM metadata GROUP BY ALL ORDER BY ALL").rows()
    assert sides == [(A, "emitidos", 5), ("COSC8001137NA", "recibidos", 5)]

    nobody = _run("load-files", package, "--rfc", B)
    assert nobody.exit_code == 0, nobody.output
    assert (
        f"5 metadata record(s) neither issued nor received by a loaded RFC: issued by {A} to COSC8001137NA"
        in (" ".join(nobody.stderr.split()))
    )


def test_a_rejected_file_is_stored_once_whatever_rfcs_it_was_loaded_with_and_in_what_order(
    tmp_path: Path, home: Path
) -> None:
    _register(tmp_path, A, B, C)
    folder = _accountants_folder(tmp_path)
    rejects = "SELECT source, rfc, month, direction, motivo FROM documentos_rechazados ORDER BY ALL"

    def load(*rfcs: str) -> tuple[dict[str, str], list[tuple[Any, ...]], set[tuple[Any, ...]]]:
        result = _run("load-files", str(folder), *(arg for rfc in rfcs for arg in ("--rfc", rfc)))
        assert result.exit_code == 0, result.output
        with Warehouse.open(home, read_only=True) as wh:
            filed = set(wh.query("SELECT uuid::VARCHAR, rfc, direction FROM comprobantes").rows())
            return wh.checksums(), wh.query(rejects).rows(), filed

    _, first_rejects, first_filed = load(A)
    sums, rejected, filed = load(A, B)
    assert load(B, A) == (sums, rejected, filed)  # the same RFCs in another order: nothing changes
    _, last_rejects, last_filed = load("registered")

    for stored in (first_rejects, rejected, last_rejects):
        sources = [Path(str(source)).name for source, *_ in stored]
        assert len(sources) == len(set(sources)), sources  # each rejected file once
        # one home whatever the RFCs loaded: the rejects partition, never one of theirs
        assert {(rfc, month, side) for _, rfc, month, side, _ in stored} == {
            (REJECTS_PARTITION.rfc, REJECTS_PARTITION.month, "recibidos")
        }
    names = {Path(str(source)).name for source, *_ in first_rejects}
    assert names == {
        "b-to-c.xml",
        "stranger-to-c.xml",
        "stranger-to-other.xml",
        "c-to-a-undated.xml",
        "broken.zip",
    }
    first_reasons = {Path(str(source)).name: reason for source, *_, reason in first_rejects}
    last_reasons = {Path(str(source)).name: reason for source, *_, reason in last_rejects}
    # its reason names no loaded RFC: the same row after every load
    assert last_reasons["stranger-to-other.xml"] == first_reasons["stranger-to-other.xml"]
    uuid = {name: uuid.lower() for name, _, _, uuid in _DOCUMENTS}
    assert (uuid["b-to-c.xml"], B, "emitidos") in filed - first_filed
    assert (uuid["stranger-to-c.xml"], C, "recibidos") in last_filed - filed
    assert first_filed <= filed <= last_filed
