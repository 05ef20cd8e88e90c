"""What a Dagster step process carries before it does anything: the code location's imports.

Every step (the download too) runs in a process that imports `assets.definitions`; a library only one
step uses is imported where that step uses it, so the other steps' peak memory does not carry it
(pyarrow alone is ~30 MB; `bench.end_to_end` measures each step's peak).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import REPO_ROOT

__all__: list[str] = []

# Used by one step each (parsing; the dashboard and its downloads are another application).
_STEP_ONLY = ("pyarrow", "pandas", "streamlit", "xlsxwriter")


def test_importing_the_code_location_leaves_one_step_libraries_unimported() -> None:
    probe = (
        "import json, sys; import assets.definitions; "
        f"print(json.dumps([name for name in {_STEP_ONLY!r} if name in sys.modules]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(output.strip().splitlines()[-1]) == []
