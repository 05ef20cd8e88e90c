"""What a warehouse holds: datasets (the tables one load replaces), the warehouse's own tables, the views."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Column, Table
from schemas._kinds import DATE, INT, JSON_TEXT, TEXT, TEXT_LIST, TIMESTAMP, UUID
from schemas.solicitudes import SOLICITUDES_SAT

__all__ = ["HISTORY", "LOADS", "Catalog", "Dataset", "StatusFeed", "View"]


@dataclass(frozen=True, slots=True)
class StatusFeed:
    """How a dataset's table says whether a UUID is vigente or cancelado (SQL over that table's columns)."""

    table: str
    cancelled: str  # a boolean SQL expression: true when the row says the document is cancelled
    cancelled_at: str  # the column holding when it was cancelled


@dataclass(frozen=True, slots=True)
class Dataset:
    """The tables one load of a partition replaces together, e.g. "cfdi" or "metadata"."""

    name: str
    tables: tuple[Table, ...]
    reject_tables: frozenset[str] = frozenset()
    status: StatusFeed | None = None

    def __post_init__(self) -> None:
        names = {t.name for t in self.tables}
        unknown = (set(self.reject_tables) | ({self.status.table} if self.status else set())) - names
        if unknown:
            raise ValueError(f"dataset {self.name}: {sorted(unknown)} are not among its tables")
        unpartitioned = [t.name for t in self.tables if not t.partitioned]
        if unpartitioned:
            raise ValueError(f"dataset {self.name}: loads replace partitions, {unpartitioned} have none")

    @property
    def table_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        known = ", ".join(t.name for t in self.tables)
        raise KeyError(f"dataset {self.name} has no table {name!r} (it has {known})")


@dataclass(frozen=True, slots=True)
class View:
    """An analyst view: its SQL (a SELECT), what it means, and an example query that uses it."""

    name: str
    meaning: str
    sql: str
    example: str


@dataclass(frozen=True, slots=True)
class Catalog:
    datasets: tuple[Dataset, ...]
    views: tuple[View, ...] = ()
    _by_name: dict[str, Dataset] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {d.name: d for d in self.datasets})
        seen: dict[str, Table] = {}
        for table in (t for d in self.datasets for t in d.tables):
            if seen.setdefault(table.name, table) != table:
                raise ValueError(f"two different tables are named {table.name}")

    def dataset(self, name: str) -> Dataset:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name)
            raise KeyError(f"unknown dataset {name!r}: the warehouse loads {known}") from None

    @property
    def tables(self) -> tuple[Table, ...]:
        """Every table the warehouse creates, once each: the datasets' tables, then its own."""
        unique = {t.name: t for d in self.datasets for t in d.tables}
        return (*unique.values(), LOADS, HISTORY, SOLICITUDES_SAT)

    def is_shared(self, table: str) -> bool:
        """Whether several datasets write the table (e.g. rejects of CFDI and of Retenciones)."""
        return sum(table in d.table_names for d in self.datasets) > 1


LOADS = Table(
    name="loads",
    meaning="one row per load attempt: what was loaded where, when, how much and how long; failures too",
    columns=(
        Column("load_id", TEXT, "identifier of the load, written on every row it stored", nullable=False),
        Column("dataset", TEXT, "'cfdi', 'metadata' or 'retenciones': which tables the load replaced"),
        Column("rfc", TEXT, "partition: the loaded taxpayer", nullable=False),
        Column("month", DATE, "partition: first day of the month", nullable=False),
        Column("direction", TEXT, "partition: 'emitidos' or 'recibidos'", nullable=False),
        Column("status", TEXT, "'committed' (the partition was replaced) or 'failed' (nothing changed)"),
        Column("started_at", TIMESTAMP, "when the load began (UTC)"),
        Column("finished_at", TIMESTAMP, "when it committed or failed (UTC)"),
        Column("duration_ms", INT, "finished_at - started_at in milliseconds"),
        Column("sources", TEXT_LIST, "the packages or files appended, in order"),
        Column("source_sha256s", TEXT_LIST, "their sha256, in the same order"),
        Column("rows_per_table", JSON_TEXT, "rows stored per table, as a JSON object"),
        Column("rows", INT, "rows stored, all tables together"),
        Column("rejects", INT, "rows stored in the dataset's reject tables"),
        Column("rows_replaced", INT, "rows of the previous contents of the partition that were removed"),
        Column("duplicates_dropped", INT, "rows dropped because their UUID or key came more than once"),
        Column("error", TEXT, "why a failed load failed"),
        Column(
            "mode",
            TEXT,
            "'replace' (the partition's rows of the dataset were swapped for the load's) or 'merge' (only "
            "the documents and rejects the load brought were replaced: cfdi-etl load-files)",
        ),
    ),
    key=("load_id",),
    partitioned=False,
)

HISTORY = Table(
    name="estatus_historial",
    meaning=(
        "every change of a UUID's SAT status (vigente, cancelado) with when the warehouse first saw it; "
        "fed by metadata loads. Cancellation is final at SAT, so once cancelado a UUID gets no later row"
    ),
    columns=(
        Column("uuid", UUID, "the document", nullable=False),
        Column("estatus", TEXT, "'vigente' or 'cancelado'", nullable=False),
        Column("fecha_cancelacion", TIMESTAMP, "when SAT says it was cancelled (Mexico local time)"),
        Column("visto_desde", TIMESTAMP, "when a load first saw this status (UTC)", nullable=False),
        Column("load_id", TEXT, "the metadata load that saw it first", nullable=False),
        Column("rfc", TEXT, "the loaded RFC whose metadata showed it", nullable=False),
        Column("direction", TEXT, "which side that RFC is on", nullable=False),
    ),
    key=("uuid", "estatus"),
    partitioned=False,
)
