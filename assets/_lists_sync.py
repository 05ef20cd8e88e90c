"""SAT's lists from files or from SAT (or the sandbox) into the warehouse: the one sequence the command
line and the Dagster asset share. A file that is no list, or cannot be read, is an outcome with its
reason, never an exception: the other files load."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.lists import ListFileError, fetch_lists, read_list, sha256_of
from warehouse import ListLoadReport, Warehouse, WarehouseError, list_version_loaded

__all__ = [
    "ListOutcome",
    "fetch_and_load",
    "lists_folder",
    "load_list_files",
]


@dataclass(frozen=True, slots=True)
class ListOutcome:
    """One file: its load report, or why it was not loaded (`error`), and what the download said."""

    name: str
    report: ListLoadReport | None = None
    error: str | None = None
    fetch_status: str | None = None


def lists_folder(warehouse_path: Path) -> Path:
    """Where downloaded list files and their fetch state are kept: beside the warehouse, in `lists/`."""
    return warehouse_path.parent / "lists"


def _load_one(warehouse: Warehouse, path: Path, source: str) -> ListOutcome:
    try:
        return ListOutcome(path.name, report=warehouse.load_list(read_list(path, source)))
    except ListFileError as error:
        return ListOutcome(path.name, error=f"not one of SAT's lists: {error}")
    except (OSError, WarehouseError) as error:
        return ListOutcome(path.name, error=str(error))


def load_list_files(warehouse: Warehouse, paths: Iterable[Path]) -> list[ListOutcome]:
    """Load each file (a folder: its .csv files), in the order given."""
    outcomes: list[ListOutcome] = []
    for path in paths:
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv") if path.is_dir() else [path]
        outcomes += [_load_one(warehouse, file, str(file)) for file in files]
    return outcomes


def fetch_and_load(warehouse: Warehouse, base_url: str, folder: Path) -> list[ListOutcome]:
    """Download what changed at `base_url`, then load every downloaded file the warehouse lacks (also one
    a previous run downloaded but could not load)."""
    outcomes: list[ListOutcome] = []
    for fetched in fetch_lists(base_url, folder):
        if fetched.path is None or not fetched.path.exists():
            outcomes.append(ListOutcome(fetched.name, error=fetched.status))
        elif list_version_loaded(warehouse, sha256_of(fetched.path)):
            outcomes.append(ListOutcome(fetched.name, fetch_status=fetched.status))
        else:
            outcome = _load_one(warehouse, fetched.path, fetched.url)
            outcomes.append(ListOutcome(outcome.name, outcome.report, outcome.error, fetched.status))
    return outcomes
