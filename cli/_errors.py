"""What a user reads when a command fails: the details first, then one last line saying what happened and
what to do. Expected failures carry no traceback (Dagster's stays in the run's event log, and `--verbose`
prints it); an unexpected one says so and how to report it."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import click

from etl.acquire import LeaseHeldError
from etl.sat import SatError
from warehouse import WarehouseError, disk_full

if TYPE_CHECKING:
    from assets.runner import PartitionRunError

__all__ = ["user_error"]

_DISK_FULL = (
    "no space left on the disk holding the warehouse, its packages or staging: what was stored is intact; "
    "free some space and run again"
)


def _subclass_names(base: type[BaseException]) -> set[str]:
    names, pending = set(), [base]
    while pending:
        kind = pending.pop()
        names.add(kind.__name__)
        pending.extend(kind.__subclasses__())
    return names


# Failures the steps raise on purpose, with messages written for the user (what happened, what to do).
_EXPECTED = {
    "Failure",  # dagster.Failure: a step's own refusal
    "LookupError",  # an RFC not registered, its password not set
    "PeriodTooSmallError",
    *_subclass_names(SatError),
    *_subclass_names(WarehouseError),
    *_subclass_names(LeaseHeldError),
}


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines() if line.strip())


class _UserError(click.ClickException):
    """A ClickException whose details come first and whose last line is `Error: what happened, what to do`."""

    def __init__(self, last_line: str, details: list[str]) -> None:
        super().__init__(last_line)
        self.details = details

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.details:
            click.echo(line, file=file, err=True)
        super().show(file)


def _run_failure(error: PartitionRunError) -> _UserError:
    where = f"{error.rfc} {error.month:%Y-%m}, step {error.step}"
    resume = (
        f"{error.month:%Y-%m} was not loaded (this run's earlier months were); the request ledger keeps "
        "what SAT was asked, so a rerun resumes without asking SAT again."
    )
    if disk_full(error.reason):
        return _UserError(f"{where}: {_DISK_FULL}", [_one_line(error.reason), resume])
    if error.error_class in _EXPECTED:
        return _UserError(f"{where}: {_one_line(error.reason)}", [resume])
    return _UserError(
        f"{where} failed unexpectedly ({error.error_class}: {_one_line(error.reason)}): rerun with --verbose "
        "for Dagster's traceback (also in the Dagster UI's run log) and report it",
        [resume],
    )


def user_error(error: BaseException) -> click.ClickException:
    """The ClickException to raise for `error` (exit code 1): details first, the last line what to do."""
    from assets.runner import PartitionRunError  # Dagster loads only when a run failed

    if isinstance(error, PartitionRunError):
        return _run_failure(error)
    if disk_full(error):
        return _UserError(_DISK_FULL, [_one_line(str(error))])
    if isinstance(error, OSError):
        return click.ClickException(
            f"cannot read or write {error.filename or 'a file'}: {error.strerror or error}; check the path, "
            "its permissions and the disk, then run again"
        )
    return click.ClickException(_one_line(str(error)))
