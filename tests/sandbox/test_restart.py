"""The sandbox as a separate process: a crash (kill -9) mid-cycle loses nothing; Ctrl-C stops it cleanly."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from etl.sat import CodEstatus, DocumentStatus, EstadoSolicitud, QueryParameters, RequestType
from sandbox import SandboxConfig, SandboxServer
from tests.sandbox.catalogs import FixtureCatalog
from tests.sandbox.client import client_for, wait_until_done, zip_names
from tests.sandbox_plugin import SandboxFiel, SandboxProcess

_PARAMS = QueryParameters.issued(
    dt.datetime(2025, 5, 1), dt.datetime(2025, 5, 31, 23, 59, 59), RequestType.XML,
    document_status=DocumentStatus.TODOS,
)  # fmt: skip


def test_a_crash_and_restart_of_the_server_mid_cycle_loses_no_request_and_no_download(
    sandbox_process: SandboxProcess,
) -> None:
    with client_for(sandbox_process.base_url, sandbox_process.fiel) as client:
        request_id = client.query(_PARAMS).request_id
        sandbox_process.restart()  # killed while the request is accepted and its packages are being built
        result = wait_until_done(client, request_id)
        assert result.state is EstadoSolicitud.TERMINADA
        [package_id] = result.package_ids
        first = client.download(package_id)
        sandbox_process.restart()
        second = client.download(package_id)
        assert first.package == second.package
        assert (
            len([n for n in zip_names(first.package) if n.lower().endswith(".xml")]) == result.document_count
        )
        assert client.download(package_id).status is CodEstatus.MAXIMO_DE_DESCARGAS  # the count survived too


def test_serve_prints_where_to_connect_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    process = SandboxProcess(tmp_path / "sandbox")
    base_url = process.start()
    assert base_url.startswith("http://127.0.0.1:")
    assert process.fiel.certificate.is_file()
    assert process.fiel.private_key.is_file()
    code, remaining = process.interrupt()
    assert code == 0
    assert "Sandbox stopped." in remaining
    assert process.fiel.password not in remaining


def test_the_fiel_command_issues_a_fiel_the_sandbox_trusts(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", "from cli.main import main; main()", "sandbox", "fiel", "CCC030303CC3",
         "--out", str(tmp_path / "fiel"), "--data", str(tmp_path / "sandbox")],
        env={"CFDI_ETL_FIEL_PASSWORD": "from-the-environment", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "from-the-environment" not in completed.stdout + completed.stderr
    fiel = SandboxFiel("CCC030303CC3", tmp_path / "fiel" / "CCC030303CC3.cer",
                       tmp_path / "fiel" / "CCC030303CC3.key", "from-the-environment")  # fmt: skip
    config = SandboxConfig(data_dir=tmp_path / "sandbox", rfcs=("CCC030303CC3",))
    with (
        SandboxServer(config, catalog=FixtureCatalog(0)) as server,
        client_for(server.base_url, fiel) as client,
    ):
        token = client.authenticate()
    assert token.expires - token.created == dt.timedelta(minutes=5)
