"""A one-shot run of one partition in a process of its own, for tests that kill it or race it.

`python -m tests.assets.one_month SETTINGS.json [--die-in load|publish] [--hold-lease SECONDS]`: the
settings are the SyncResource's fields plus `dagster_home`, `rfc` and `month`. `--die-in` SIGKILLs the
process from inside the warehouse load or the publish, as the OOM killer would.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from datetime import date
from pathlib import Path

import dagster as dg

__all__ = ["main"]


def _die(*_: object, **__: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("settings", type=Path)
    parser.add_argument("--die-in", choices=["load", "publish"])
    arguments = parser.parse_args()
    settings = json.loads(arguments.settings.read_text())
    if arguments.die_in == "load":
        from warehouse._load import Load

        Load.append_parquet = _die  # type: ignore[method-assign]
    elif arguments.die_in == "publish":
        from warehouse import _warehouse

        _warehouse.publish = _die  # type: ignore[assignment,attr-defined]

    from assets._resources import SyncResource
    from assets.runner import run_partitions

    instance = dg.DagsterInstance.from_config(settings.pop("dagster_home"))
    rfc, month = settings.pop("rfc"), date.fromisoformat(settings.pop("month"))
    run_partitions(instance, SyncResource(**settings), rfc, [month])
    print("done")


if __name__ == "__main__":
    main()
