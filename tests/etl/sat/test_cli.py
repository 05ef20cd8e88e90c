"""`cfdi-etl sat ...` as a user runs it: against the local sandbox, with the password from the environment."""

from __future__ import annotations

import hashlib
import os
import time
import tracemalloc
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.sat import _moment, sat
from sandbox import SandboxServer
from tests.etl.sat.conftest import credential_paths
from tests.sandbox_plugin import SandboxFiel


def _run(arguments: list[str], password: str | None, stdin: str | None = None) -> Result:
    # `None` unsets the variable, wherever the tests run: the prompt is then what is tested.
    env = {"CFDI_ETL_FIEL_PASSWORD": password}
    return CliRunner().invoke(sat, arguments, env=env, input=stdin)


def _connection(fiel: SandboxFiel, sandbox: SandboxServer) -> list[str]:
    return ["--cer", str(fiel.certificate), "--key", str(fiel.private_key), "--base-url", sandbox.base_url]


def _field(output: str, name: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in output.splitlines() if line.startswith(f"{name}: ")]


def test_a_user_runs_the_whole_cycle_by_hand_against_the_sandbox(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel, tmp_path: Path
) -> None:
    connection = _connection(sandbox_fiel, sandbox)
    auth = _run(["auth", *connection], sandbox_fiel.password)
    assert auth.exit_code == 0, auth.output
    assert f"authenticated {sandbox_fiel.rfc} on cfdi" in auth.output

    month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    query = _run(
        ["query", *connection, "--direction", "issued", "--start", month.isoformat(),
         "--end", (month.replace(day=28)).isoformat()],
        sandbox_fiel.password,
    )  # fmt: skip
    assert query.exit_code == 0, query.output
    assert _field(query.output, "CodEstatus")[0].startswith("5000")
    request_id = _field(query.output, "IdSolicitud")[0]

    deadline = time.monotonic() + 20
    while True:
        verify = _run(["verify", *connection, request_id], sandbox_fiel.password)
        assert verify.exit_code == 0, verify.output
        state = _field(verify.output, "EstadoSolicitud")[0]
        if not state.startswith(("1 ", "2 ")) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert state == "3 Terminada", verify.output
    package_ids = _field(verify.output, "IdPaquete")
    assert package_ids

    out = tmp_path / "paquetes"
    download = _run(["download", *connection, package_ids[0], "--out", str(out)], sandbox_fiel.password)
    assert download.exit_code == 0, download.output
    saved = out / f"{package_ids[0]}.zip"
    assert f"saved {saved}" in download.output
    with zipfile.ZipFile(saved) as package:
        assert package.namelist()
    assert not [p for p in out.iterdir() if p.name.startswith(".partial-")]

    again = _run(["download", *connection, package_ids[0], "--out", str(out)], sandbox_fiel.password)
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "already kept; nothing was asked" in again.output


def _finished_package(fiel: SandboxFiel, sandbox: SandboxServer) -> tuple[str, Path]:
    """One finished request's first package id, and the file the sandbox serves it from."""
    connection = _connection(fiel, sandbox)
    month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    query = _run(
        ["query", *connection, "--direction", "issued", "--type", "xml", "--start", month.isoformat(),
         "--end", month.replace(day=28).isoformat()],
        fiel.password,
    )  # fmt: skip
    request_id = _field(query.output, "IdSolicitud")[0]
    deadline = time.monotonic() + 20
    while not (
        package_ids := _field(_run(["verify", *connection, request_id], fiel.password).output, "IdPaquete")
    ):
        assert time.monotonic() < deadline, "the sandbox did not finish the request"
        time.sleep(0.2)
    served = sorted((sandbox.data_dir / "packages" / request_id).iterdir())
    [file] = [f for f in served if f.name.startswith(package_ids[0])] or served[:1]
    return package_ids[0], file


def test_a_download_streams_to_disk_verified_and_never_holds_the_package_in_memory(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel, tmp_path: Path
) -> None:
    package_id, served = _finished_package(sandbox_fiel, sandbox)
    # SAT's packages reach hundreds of MB; here 24 MB that do not compress, stored in a zip.
    with zipfile.ZipFile(served, "w", compression=zipfile.ZIP_STORED) as package:
        package.writestr("big.xml", os.urandom(24 << 20))
    out = tmp_path / "paquetes"
    tracemalloc.start()
    try:
        download = _run(["download", *_connection(sandbox_fiel, sandbox), package_id, "--out", str(out)],
                        sandbox_fiel.password)  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert download.exit_code == 0, download.output
    saved = out / f"{package_id}.zip"
    digest = hashlib.sha256(served.read_bytes()).hexdigest()
    assert f"saved {saved} ({served.stat().st_size} bytes, sha256 {digest})" in download.output
    assert saved.read_bytes() == served.read_bytes()
    # Held whole it would be 24 MB at least (twice that with the copy written); streamed, a chunk or two.
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB while downloading a 24 MiB package"


def test_a_download_that_is_not_a_zip_is_refused_and_nothing_is_left_in_the_folder(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel, tmp_path: Path
) -> None:
    package_id, served = _finished_package(sandbox_fiel, sandbox)
    served.write_bytes(b"not a zip at all " * 1000)
    out = tmp_path / "paquetes"
    download = _run(["download", *_connection(sandbox_fiel, sandbox), package_id, "--out", str(out)],
                    sandbox_fiel.password)  # fmt: skip
    assert download.exit_code == 1
    assert f"what SAT sent for {package_id} is not a readable zip" in download.output
    assert "nothing was kept" in download.output
    assert "Traceback" not in download.output
    assert list(out.iterdir()) == []


def test_the_password_is_prompted_hidden_when_not_in_the_environment(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    result = _run(["auth", *_connection(sandbox_fiel, sandbox)], None, stdin=sandbox_fiel.password + "\n")
    assert result.exit_code == 0, result.output
    assert "e.firma password:" in result.output
    assert sandbox_fiel.password not in result.output


def test_a_wrong_password_is_reported_without_a_traceback(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    result = _run(["auth", *_connection(sandbox_fiel, sandbox)], "not-the-password")
    assert result.exit_code == 1
    assert "Wrong password" in result.output
    assert "Traceback" not in result.output
    assert "not-the-password" not in result.output


def test_a_csd_is_refused_before_contacting_anyone(tmp_path: Path) -> None:
    cer, key, password = credential_paths("csd")
    # A port nobody listens on: the refusal must come before any connection attempt.
    result = _run(
        ["auth", "--cer", str(cer), "--key", str(key), "--base-url", "http://127.0.0.1:9"], password
    )
    assert result.exit_code == 1
    assert "is a CSD" in result.output
    assert "Could not connect" not in result.output


def test_an_invalid_query_is_refused_with_the_reason(tmp_path: Path) -> None:
    cer, key, password = credential_paths("fiel")
    base = ["query", "--cer", str(cer), "--key", str(key), "--base-url", "http://127.0.0.1:9"]
    received_cancelled_xml = _run(
        [*base, "--direction", "received", "--type", "xml", "--status", "Cancelado",
         "--start", "2025-01-01", "--end", "2025-01-31"],
        password,
    )  # fmt: skip
    assert received_cancelled_xml.exit_code == 1
    assert "only for current (Vigente) documents" in received_cancelled_xml.output
    missing = _run([*base, "--direction", "issued"], password)
    assert missing.exit_code == 1
    assert "needs both a start and an end" in missing.output
    nothing = _run(base, password)
    assert "issued or received (with a period), or one UUID" in nothing.output
    folio_with_filter = _run(
        [*base, "--uuid", "4abf0f69-8e7d-42bd-ac5f-787275eb52d2", "--type", "xml"], password
    )
    assert folio_with_filter.exit_code == 1
    assert "takes nothing but the UUID; remove: request_type" in folio_with_filter.output


@pytest.mark.parametrize(
    ("end", "expected"),
    [("2025-01-31", "2025-01-31T23:59:59"), ("2025-01-31T12:00:00", "2025-01-31T12:00:00")],
)
def test_a_bare_end_date_means_the_whole_day(end: str, expected: str) -> None:
    assert _moment(end, end=True).isoformat() == expected
    assert _moment("2025-01-01", end=False).isoformat() == "2025-01-01T00:00:00"


def test_the_group_is_registered_as_cfdi_etl_sat() -> None:
    from cli.main import main

    assert main.commands["sat"] is sat
