"""Detectors: from what the ledger, the registry and the warehouse hold now, the facts that need a person.

Each takes plain rows (the callers read them: SQL lives with the ledger and the warehouse) and returns
events whose keys stay the same for the same fact, so running a detector again tells nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from etl.acquire import LedgerEntry, RequestState
from etl.alerts._events import AlertEvent, EventKind
from etl.sat import CodEstatus

__all__ = [
    "CancelledDocument",
    "ListedCounterparty",
    "UnreconciledPartition",
    "cancelled_after_loaded",
    "fiel_expiring",
    "newly_listed",
    "pending_requests",
    "requests_needing_a_person",
    "run_failed",
    "unreconciled_partitions",
]

# SAT refused the certificate: nothing the pipeline can retry makes this pass.
_CERTIFICATE_REFUSED = frozenset({CodEstatus.CERTIFICADO_REVOCADO_O_CADUCO, CodEstatus.CERTIFICADO_INVALIDO})
# SAT rejected what was asked (parameters, seal, a third party): asking again the same way fails again.
_REJECTED = frozenset(
    {
        CodEstatus.XML_MAL_FORMADO,
        CodEstatus.SELLO_MAL_FORMADO,
        CodEstatus.SELLO_NO_CORRESPONDE,
        CodEstatus.TERCERO_NO_AUTORIZADO,
    }
)


def run_failed(
    run_id: str, job: str, reason: str, rfc: str | None = None, month: date | None = None
) -> AlertEvent:
    where = " ".join(p for p in (rfc or "", f"{month:%Y-%m}" if month else "") if p)
    return AlertEvent(
        EventKind.RUN_FAILED,
        fact=run_id,
        what=f"run {run_id} of {job}{' for ' + where if where else ''} failed: {reason}",
        action="Read the reason; fix what it names and rerun the partition (nothing partial was loaded).",
        rfc=rfc,
        month=month,
        details={"run_id": run_id, "job": job},
    )


def pending_requests(
    entries: Iterable[LedgerEntry], now: datetime, older_than: timedelta
) -> list[AlertEvent]:
    """Submitted requests SAT has not finished for longer than `older_than` (naive UTC, as the ledger)."""
    events = []
    for entry in entries:
        since = entry.submitted_at or entry.created_at
        if entry.state is not RequestState.SUBMITTED or now - since <= older_than:
            continue
        hours = (now - since).total_seconds() / 3600
        events.append(
            AlertEvent(
                EventKind.REQUEST_PENDING,
                fact=entry.key,
                what=f"{entry.spec.describe()}: request {entry.id_solicitud} has been in process at SAT "
                f"since {since:%Y-%m-%d %H:%M} UTC ({hours:.0f} h; last answer {entry.last_message!r})",
                action="Nothing to do while SAT works on it; if SAT is in an outage it may take days. "
                "The sensor keeps polling; `cfdi-etl requests --state submitted` lists what waits.",
                rfc=entry.spec.rfc,
                month=entry.spec.month,
                details={"id_solicitud": entry.id_solicitud or "", "since": since.isoformat()},
            )
        )
    return events


def requests_needing_a_person(entries: Iterable[LedgerEntry]) -> list[AlertEvent]:
    """Requests SAT ended in a way the pipeline cannot pass alone: lifetime limit, certificate, rejection."""
    events = []
    for entry in entries:
        code = entry.last_code
        if entry.state is RequestState.EXHAUSTED or code == CodEstatus.SOLICITUDES_AGOTADAS:
            why = f"SAT says these parameters reached their lifetime maximum ({code} {entry.last_message!r})"
            action = (
                "SAT will not answer these parameters again. Decide whether to insist "
                "(`cfdi-etl run --allow-repeat`) or leave the period as it is."
            )
        elif code in _CERTIFICATE_REFUSED:
            why = f"SAT refused the e.firma's certificate ({code} {entry.last_message!r})"
            action = "Renew or replace the e.firma at SAT, then `cfdi-etl rfc add` it again and rerun."
        elif entry.state is RequestState.FAILED and code in _REJECTED:
            why = f"SAT rejected the request ({code} {entry.last_message!r})"
            action = (
                "Check the RFC's parameters and e.firma (`cfdi-etl requests show`); "
                "asking again the same way fails again."
            )
        else:
            continue
        events.append(
            AlertEvent(
                EventKind.SAT_NEEDS_A_PERSON,
                fact=f"{entry.key}|{entry.state.value}|{code}",
                what=f"{entry.spec.describe()}: {why}",
                action=action,
                rfc=entry.spec.rfc,
                month=entry.spec.month,
                details={
                    "state": entry.state.value,
                    "code": str(code),
                    "attempts": str(entry.lifetime_requests),
                },
            )
        )
    return events


def fiel_expiring(rfc: str, not_after: datetime, today: date, within_days: int) -> list[AlertEvent]:
    """The e.firma of `rfc` expires within `within_days` days (or already has): downloads stop that day."""
    days = (not_after.date() - today).days
    if days > within_days:
        return []
    when = "expired" if days < 0 else f"expires in {days} day(s)"
    return [
        AlertEvent(
            EventKind.FIEL_EXPIRING,
            fact=f"{rfc}|{not_after.date().isoformat()}",
            what=f"the e.firma of {rfc} {when}, on {not_after:%Y-%m-%d}; from then SAT answers no request",
            action=f"Renew the e.firma at SAT, then `cfdi-etl rfc add {rfc} --cer NEW.cer --key NEW.key`.",
            rfc=rfc,
            details={"not_after": not_after.isoformat()},
        )
    ]


@dataclass(frozen=True, slots=True)
class CancelledDocument:
    """A received document whose cancellation was seen after its month was loaded (view `cancelaciones`)."""

    rfc: str
    month: date
    uuid: str
    rfc_emisor: str
    nombre_emisor: str | None
    monto: str
    fecha_cancelacion: datetime | None
    cancelacion_vista_desde: datetime | None


def cancelled_after_loaded(rows: Iterable[CancelledDocument]) -> list[AlertEvent]:
    return [
        AlertEvent(
            EventKind.RECEIVED_CANCELLED,
            fact=f"{row.rfc}|{row.uuid}",
            what=f"received document {row.uuid} from {row.rfc_emisor} ({row.nombre_emisor or 'no name'}), "
            f"amount {row.monto}, was loaded as vigente and SAT now reports it cancelled"
            + (f" on {row.fecha_cancelacion:%Y-%m-%d}" if row.fecha_cancelacion else ""),
            action="A booked expense is gone: check it with the issuer and correct the books of that month.",
            rfc=row.rfc,
            month=row.month,
            uuid=row.uuid,
            details={"rfc_emisor": row.rfc_emisor, "monto": row.monto},
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class UnreconciledPartition:
    """A partition side with metadata but no XML, or XML but no metadata (view `conciliacion`)."""

    rfc: str
    month: date
    direction: str
    missing_xml: int
    missing_metadata: int
    loaded_since: datetime  # the partition's first committed load (UTC)


def unreconciled_partitions(
    rows: Iterable[UnreconciledPartition], now: datetime, after: timedelta
) -> list[AlertEvent]:
    """Partitions still unreconciled `after` their first load (SAT's XML often lags its metadata a while)."""
    return [
        AlertEvent(
            EventKind.PARTITION_UNRECONCILED,
            fact=f"{row.rfc}|{row.month.isoformat()}|{row.direction}",
            what=f"{row.rfc} {row.month:%Y-%m} {row.direction}: {row.missing_xml:,} document(s) listed in "
            f"metadata have no XML and {row.missing_metadata:,} XML have no metadata, "
            f"{(now - row.loaded_since).total_seconds() / 3600:.0f} h after the first load",
            action="See `SELECT * FROM conciliacion` for the UUIDs; rerun the month, or load the missing "
            "XML with `cfdi-etl load-files`.",
            rfc=row.rfc,
            month=row.month,
            details={"direction": row.direction, "missing_xml": str(row.missing_xml)},
        )
        for row in rows
        if now - row.loaded_since > after and (row.missing_xml or row.missing_metadata)
    ]


@dataclass(frozen=True, slots=True)
class ListedCounterparty:
    """A counterparty of `rfc` found on a SAT list (69-B definitive, 69 no localizado, ...)."""

    rfc: str
    counterparty_rfc: str
    counterparty_name: str | None
    list_name: str  # e.g. "69-B", "69"
    situation: str  # e.g. "Definitivo", "Presunto", "No localizado"
    documents: int  # documents exchanged with it


def newly_listed(rows: Iterable[ListedCounterparty]) -> list[AlertEvent]:
    """One event per counterparty, list and situation; the alert ledger keeps it from being told twice."""
    return [
        AlertEvent(
            EventKind.COUNTERPARTY_LISTED,
            fact=f"{row.rfc}|{row.counterparty_rfc}|{row.list_name}|{row.situation}",
            what=f"{row.counterparty_rfc} ({row.counterparty_name or 'no name'}), a counterparty of "
            f"{row.rfc} in {row.documents:,} document(s), is on SAT's {row.list_name} list: {row.situation}",
            action="Review the documents with this counterparty with your accountant before deducting them.",
            rfc=row.rfc,
            details={
                "counterparty_rfc": row.counterparty_rfc,
                "list": row.list_name,
                "situation": row.situation,
            },
        )
        for row in rows
    ]
