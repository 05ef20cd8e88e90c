from __future__ import annotations

from pathlib import Path

import pytest

from etl.sat import Fiel
from tests.paths import SAT_FIXTURES


def credential_paths(kind: str) -> tuple[Path, Path, str]:
    """The .cer, the .key and the password of one of the shared fixture credentials."""
    folder = SAT_FIXTURES / kind
    password = (folder / "EKU9003173C9-password.txt").read_text()
    return folder / "EKU9003173C9.cer", folder / "EKU9003173C9.key", password


@pytest.fixture(scope="session")
def fiel() -> Fiel:
    cer, key, password = credential_paths("fiel")
    return Fiel.from_files(cer, key, password)
