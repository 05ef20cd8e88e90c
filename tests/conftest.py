from __future__ import annotations

import pytest

from tests.paths import SHARED_FIXTURES


@pytest.fixture(scope="session", autouse=True)
def _shared_fixtures_present() -> None:
    if not SHARED_FIXTURES.is_dir():
        pytest.exit(f"shared fixtures not found at {SHARED_FIXTURES}: check out ../shared beside the repo", 2)


pytest_plugins = ["tests.sandbox_plugin"]
