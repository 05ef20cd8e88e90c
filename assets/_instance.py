"""The persistent local Dagster instance, under `$CFDI_ETL_HOME/dagster` (`./var/dagster` by default)."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import dagster as dg
import yaml

from pipeline import Settings

__all__ = ["INSTANCE_SETTINGS", "dagster_home", "instance_config", "local_instance"]

# The instance's settings are the top-level dagster.yaml (one definition); written with the storage folders
# to `<dagster_home>/dagster.yaml` so that `dagster dev` with that DAGSTER_HOME sees the same instance.
_SETTINGS_FILE = Path(__file__).resolve().parents[1] / "dagster.yaml"
INSTANCE_SETTINGS: dict[str, Any] = yaml.safe_load(_SETTINGS_FILE.read_text(encoding="utf-8"))


def instance_config(home: Path) -> dict[str, Any]:
    """The whole dagster.yaml for an instance in `home`.

    Storage is laid out as the instance always had it under var/dagster (storage/, logs/), so
    an existing instance keeps its runs, RFC partitions and cursors.
    """
    return {
        "storage": {"sqlite": {"base_dir": str(home / "storage")}},
        "local_artifact_storage": {
            "module": "dagster._core.storage.root",
            "class": "LocalArtifactStorage",
            "config": {"base_dir": str(home)},
        },
        "compute_logs": {
            "module": "dagster._core.storage.local_compute_log_manager",
            "class": "LocalComputeLogManager",
            "config": {"base_dir": str(home / "logs")},
        },
        **INSTANCE_SETTINGS,
    }


def dagster_home() -> Path:
    """`$CFDI_ETL_HOME/dagster` as an absolute path, its `dagster.yaml` written by `instance_config`."""
    home = Settings.from_env().dagster_home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    text = json.dumps(instance_config(home), indent=2) + "\n"  # JSON is YAML; no YAML writer needed
    if not config.is_file() or config.read_text(encoding="utf-8") != text:
        # written whole or not at all: two commands started together never read half a file
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=home, delete=False) as written:
            written.write(text)
        Path(written.name).replace(config)
    return home


def local_instance() -> dg.DagsterInstance:
    """`$DAGSTER_HOME`'s instance when it is set; otherwise the one under `$CFDI_ETL_HOME/dagster`."""
    if not os.environ.get("DAGSTER_HOME"):
        os.environ["DAGSTER_HOME"] = str(dagster_home())
    # Opening creates (or migrates) the instance's SQLite storage: one command at a time, so two started
    # together do not both create it.
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    with (home / ".open.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return dg.DagsterInstance.get()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
