"""`parser_path`: a module marked `pytest.mark.usefixtures("parser_path")` runs each of its tests once per
parser path (compiled and Python), through `_helpers.parse`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.etl.parse.cfdi._helpers import PATHS, use_path


@pytest.fixture(params=PATHS)
def parser_path(request: pytest.FixtureRequest) -> Iterator[str]:
    use_path(request.param)
    yield request.param
    use_path("compiled")
