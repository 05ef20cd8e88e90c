"""A one-shot run of one partition in a process of its own, for tests that kill it or race it.

`python -m tests.assets.one_month SETTINGS.json [--die-in STEP]`: the settings are the SyncResource's
fields plus `dagster_home`, `rfc` and `month`. `--die-in` SIGKILLs the process from inside one step of the
pipeline, as the OOM killer or `kill -9` would, at the point that step can least afford it:

- `request`: SAT accepted the first request, its answer is not in the ledger yet;
- `wait`: SAT answered the first verify, the ledger has not recorded it;
- `download`: SAT served the first package (one of its two downloads spent), nothing recorded yet;
- `parse`: the first staged batch is being written (half a stage on disk);
- `load`: inside the warehouse transaction; `publish`: as the published copy is written.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

__all__ = ["DIE_IN", "main"]

# `--die-in` values and the Dagster step (asset) each one dies in.
DIE_IN = {
    "request": "sat_requests",
    "wait": "sat_packages_ready",
    "download": "sat_packages",
    "parse": "documents_parsed",
    "load": "warehouse_tables",
    "publish": "warehouse_published",
}


def _die(*_: object, **__: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _die_after(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, then death: what it did happened, whoever called it never learns the result."""

    def call(*arguments: object, **keywords: object) -> None:
        method(*arguments, **keywords)
        _die()

    return call


def _arm(step: str) -> None:
    from etl.acquire._sat_client import SatClientPort

    if step == "request":
        SatClientPort.submit = _die_after(SatClientPort.submit)  # type: ignore[method-assign]
    elif step == "wait":
        SatClientPort.verify = _die_after(SatClientPort.verify)  # type: ignore[method-assign]
    elif step == "download":
        SatClientPort.download = _die_after(SatClientPort.download)  # type: ignore[method-assign]
    elif step == "parse":
        from etl.staging import _staging

        _staging._write = _die_after(_staging._write)
    elif step == "load":
        from warehouse._load import Load

        Load.append_parquet = _die  # type: ignore[method-assign]
    elif step == "publish":
        from warehouse import _warehouse

        _warehouse.publish = _die  # type: ignore[assignment,attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("settings", type=Path)
    parser.add_argument("--die-in", choices=list(DIE_IN))
    arguments = parser.parse_args()
    settings = json.loads(arguments.settings.read_text())
    if arguments.die_in:
        _arm(arguments.die_in)

    from assets._resources import SyncResource
    from assets.runner import run_partitions

    instance = dg.DagsterInstance.from_config(settings.pop("dagster_home"))
    rfc, month = settings.pop("rfc"), date.fromisoformat(settings.pop("month"))
    run_partitions(instance, SyncResource(**settings), rfc, [month])
    print("done")


if __name__ == "__main__":
    main()
