"""A setting that cannot be used stops a command with one line naming the variable, not a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

__all__: list[str] = []


@pytest.mark.parametrize(
    "arguments",
    [["run", "EKU9003173C9"], ["query", "SELECT 1"], ["export", "documentos", "--to", "out"]],
)
def test_a_bad_setting_is_one_line_naming_its_variable(
    arguments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFDI_ETL_POLL_WAIT_SECONDS", "soon")
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: CFDI_ETL_POLL_WAIT_SECONDS='soon' is not a number; e.g. CFDI_ETL_POLL_WAIT_SECONDS=30.0"
    )
