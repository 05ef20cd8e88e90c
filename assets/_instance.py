"""The persistent local Dagster instance: `dagster.yaml` at the repository root, state under `var/`."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

__all__ = ["local_instance"]


def local_instance() -> dg.DagsterInstance:
    """`$DAGSTER_HOME`'s instance; without it, the one configured by `./dagster.yaml` (the repository's)."""
    if not os.environ.get("DAGSTER_HOME"):
        here = Path.cwd()
        if not (here / "dagster.yaml").is_file():
            raise RuntimeError(
                "no Dagster instance: run from the repository root (where dagster.yaml is) "
                "or set DAGSTER_HOME"
            )
        os.environ["DAGSTER_HOME"] = str(here)
    return dg.DagsterInstance.get()
