"""Which RFCs a `load-files` run files documents for: the ones given with `--rfc`, or every registered one.

`--rfc registered` stands for every RFC `cfdi-etl rfc add` registered (read from the ledger, as
`cfdi-etl rfc list` shows them); it can be mixed with RFCs given by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from etl.registry import RfcRegistry
from schemas import PartitionError, check_rfc

__all__ = ["REGISTERED", "loaded_rfcs", "none_of_them"]

REGISTERED = "registered"


def loaded_rfcs(given: Iterable[str], ledger: Path) -> tuple[str, ...]:
    """The checked RFCs of the run, each once and sorted; a bad RFC or an empty registry is a usage error."""
    rfcs: set[str] = set()
    for text in given:
        if text.strip().lower() == REGISTERED:
            rfcs.update(_registered(ledger))
            continue
        try:
            rfcs.add(check_rfc(text))
        except PartitionError as error:
            raise click.BadParameter(str(error), param_hint="--rfc") from None
    return tuple(sorted(rfcs))


def _registered(ledger: Path) -> list[str]:
    # Reading must not create the ledger (or its folder) where none was: no file, nothing registered.
    found = [] if not ledger.is_file() else _read_registry(ledger)
    if not found:
        raise click.BadParameter(
            "no RFC is registered yet: register them with `cfdi-etl rfc add RFC --cer PATH --key PATH`, "
            "or give each one with --rfc RFC",
            param_hint="--rfc registered",
        )
    return found


def _read_registry(ledger: Path) -> list[str]:
    with RfcRegistry(ledger) as registry:
        return [location.rfc for location in registry.all()]


def none_of_them(issuer: object, receiver: object) -> str:
    """Why a document is not filed: who issued it to whom, neither of them a loaded RFC. The loaded RFCs
    are not named: the reason is stored, and the same file loaded with other RFCs is the same reject."""
    who = [str(rfc) for rfc in (issuer, receiver) if rfc]
    advice = f": load it with {' or '.join(f'--rfc {rfc}' for rfc in who)}" if who else ""
    return (
        f"neither issued nor received by a loaded RFC: issued by {issuer or 'an issuer without RFC'} "
        f"to {receiver or 'a receiver without RFC'}{advice}"
    )
