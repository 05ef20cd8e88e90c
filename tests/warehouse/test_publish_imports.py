"""A publish (with the ledger's snapshot) runs without pyarrow: Dagster's publish step would otherwise
import it (~30 MB, 0.3 s) for a few rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.paths import REPO_ROOT

__all__: list[str] = []


def test_replacing_the_ledger_snapshot_and_publishing_leave_pyarrow_unimported(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from schemas.solicitudes import SOLICITUDES_SAT\n"
        "from warehouse import Warehouse\n"
        f"with Warehouse.open({str(tmp_path / 'wh.duckdb')!r}) as wh:\n"
        "    wh.replace_snapshot(SOLICITUDES_SAT.name, SOLICITUDES_SAT.empty())\n"
        "    wh.publish()\n"
        "print('pyarrow' in sys.modules)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout
    assert output.strip().splitlines()[-1] == "False"
