"""The sandbox's lists, fetched over HTTP as from SAT, and the `cfdi-etl lists` commands end to end."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path

import httpx
import polars as pl
import pytest
from click.testing import CliRunner, Result

from cli.main import main
from etl.lists import fetch_lists, read_list
from sandbox import SandboxServer
from sandbox.corpus._parties import counterpart
from sandbox.corpus._plan import POOL_SIZE
from tests.etl.lists.sat_files import file_69b, row_69b
from warehouse import Warehouse

_FULL = "Documents_AGAFF/Listado_completo_69-B.csv"


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _rows(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    batches = list(read_list(path).batches())
    return pl.concat([b.rows for b in batches]), pl.concat([b.rejects for b in batches])


def test_the_sandbox_serves_the_lists_in_sats_format_with_its_corpus_counterparts(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    answer = httpx.get(sandbox.lists_url + _FULL)
    assert answer.status_code == 200
    raw = answer.content
    assert raw.startswith("Información actualizada al ".encode("cp1252"))
    assert b"\r\n" in raw
    assert b"\x8d" in raw  # the byte with no cp1252 character, in a name
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    path = tmp_path / "full.csv"
    path.write_bytes(raw)
    rows, rejects = _rows(path)
    assert rejects.is_empty()
    assert rows["suprimido"].sum() == 1
    assert set(rows["situacion"]) <= {"Presunto", "Definitivo", "Desvirtuado", "Sentencia Favorable"}
    corpus = {counterpart(sandbox.config.seed, i).rfc for i in range(POOL_SIZE)}
    assert len(set(rows["rfc"]) & corpus) >= 20
    assert rows.filter(pl.col("rfc").is_duplicated())["rfc"].n_unique() >= 1  # two proceedings
    assert any("\n" in (name or "") for name in rows["nombre"])


def test_the_sandbox_honours_if_modified_since_and_changes_between_versions(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    first = httpx.get(sandbox.lists_url + _FULL)
    stamp = first.headers["Last-Modified"]
    assert httpx.get(sandbox.lists_url + _FULL, headers={"If-Modified-Since": stamp}).status_code == 304
    no_localizados = httpx.get(sandbox.lists_url + "Documents_AGR/No_localizados.csv").content
    sandbox.lists.publish_next()
    second = httpx.get(sandbox.lists_url + _FULL, headers={"If-Modified-Since": stamp})
    assert second.status_code == 200
    assert second.content != first.content
    assert httpx.get(sandbox.lists_url + "Documents_AGR/No_localizados.csv").content == no_localizados
    assert httpx.get(sandbox.lists_url + "Documents_AGAFF/nada.csv").status_code == 404
    old = format_datetime(sandbox.lists._stamp(0), usegmt=True)
    assert (
        httpx.get(
            sandbox.lists_url + "Documents_AGR/Firmes.csv", headers={"If-Modified-Since": old}
        ).status_code
        == 200
    )


def test_fetch_asks_with_if_modified_since_and_keeps_only_changed_content(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    folder = tmp_path / "lists"
    first = fetch_lists(sandbox.lists_url, folder)
    assert all(f.changed for f in first)
    assert len(first) == 8
    again = fetch_lists(sandbox.lists_url, folder)
    assert not any(f.changed for f in again)
    assert {f.status for f in again} == {"unchanged (304 Not Modified)"}
    sandbox.lists.publish_next()
    changed = {f.name for f in fetch_lists(sandbox.lists_url, folder) if f.changed}
    assert changed == {"Documents_AGAFF__Listado_completo_69-B.csv", "Documents_AGR__Firmes.csv"}
    sha = next(f.sha256 for f in first if f.name.endswith("Sentencias.csv"))
    assert sha is not None
    assert len(sha) == 64


def test_lists_fetch_loads_what_changed_and_a_second_fetch_loads_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    first = _run("lists", "fetch", "--base-url", sandbox.lists_url, "--warehouse", str(warehouse))
    assert first.exit_code == 0, first.output
    assert "69-B completo, list date" in first.output
    second = _run("lists", "fetch", "--base-url", sandbox.lists_url, "--warehouse", str(warehouse))
    assert second.exit_code == 0
    assert second.output.count("already in the warehouse") == 8
    sandbox.lists.publish_next()
    third = _run("lists", "fetch", "--base-url", sandbox.lists_url, "--warehouse", str(warehouse))
    assert third.output.count("already in the warehouse") == 6
    with Warehouse.open(warehouse, read_only=True) as wh:
        assert wh.query("SELECT count(*) FROM listas_versiones").item() == 10
        assert (
            wh.query("SELECT count(*) FROM listas_historial WHERE fecha_lista_anterior IS NOT NULL").item()
            > 0
        )


def test_lists_load_reports_each_file_and_a_bad_file_exits_1_without_a_traceback(tmp_path: Path) -> None:
    good = tmp_path / "descarga (3).csv"
    good.write_bytes(
        file_69b(
            [
                row_69b(1, "AAA010101AAA", "UNO", "Definitivo"),
                row_69b(2, "MAL", "X", "Definitivo"),
                row_69b(3, "BBB010101BB1", "DOS", "Presunto"),
            ]
        )
    )
    bad = tmp_path / "Listado_completo_69-B.csv"
    bad.write_bytes(b"\x00\x01 not a list at all")
    result = _run("lists", "load", str(bad), str(good), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Listado_completo_69-B.csv: not one of SAT's lists" in result.output
    assert "69-B completo, list date 2025-12-16, 2 rows (2 taxpayers)" in result.output
    assert "rejects: RFC inválido 1" in result.output
    again = _run("lists", "load", str(good), "--warehouse", str(tmp_path / "w.duckdb"))
    assert again.exit_code == 0
    assert "already loaded (same content), nothing changed" in again.output


def test_lists_fetch_from_a_host_that_does_not_answer_says_so_per_file_without_a_traceback(
    tmp_path: Path,
) -> None:
    result = _run(
        "lists", "fetch", "--base-url", "http://127.0.0.1:9/", "--warehouse", str(tmp_path / "w.duckdb")
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.count("error:") == 8
