"""`cfdi-etl load-files PATH... --rfc RFC [--rfc RFC | --rfc registered]`: files a user already has, loaded.

Files from the SAT portal, an accountant or an ERP go through the same parsers and loader as the SAT
download. Each document lands in the partition of its month of emission and of its side for each loaded
RFC (issued or received; a document between two of them on both sides). Such files are rarely a whole
partition, so these loads merge: they replace the documents they bring and keep the partition's others.
Documents that cannot be read, or that belong to none of the RFCs, are stored in `documentos_rechazados`
(metadata lines in `metadata_rechazos`) with their reason and the rest loads; a package that cannot be
opened at all is reported and kept there too. The exit code is 1 only when no input could be read.

Where refused documents are filed: many have no date that can be trusted, or none at all, and many belong
to none of the loaded RFCs, so every reject of `load-files` goes to one fixed partition that depends on
nothing but the reject itself (`schemas.REJECTS_PARTITION`: an RFC no taxpayer can have, a month no CFDI
carries, side `recibidos`; readers leave it out of what was loaded). A reject is known by the
sha256 of its bytes alone, never by its name, the day of the run or the RFCs loaded: were it filed under
the month of the run, the same folder loaded next month would add every reject again beside the first,
and under one of the loaded RFCs, loading it with others would file it again under another. In one fixed
partition the merge replaces a reject already stored with the same key, so reloading the same files in
any month, any order and with any RFCs leaves one row per rejected file: the last load's, its reason
naming no loaded RFC (who issued a foreign document to whom, not who it was loaded for). The month is one
no CFDI or Retenciones can carry (CFD began in 2004), so these rows never mix with a real month's.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import click
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from cli._errors import user_error
from cli._load_rfcs import loaded_rfcs, none_of_them
from cli._load_summary import Counts, exit_code, print_counts, print_refusals
from cli._settings import read_settings
from etl.parse.bound import read_document, too_large
from etl.parse.documents import Rejection, iter_parsed_batches
from etl.parse.metadata import MetadataError, MetadataResult, parse_metadata, parse_metadata_package
from etl.parse.packages import EntryKind, OversizedEntry, PackageError, iter_entries
from pipeline import merge_frames, publish, route, split_by_partition
from schemas import DOCUMENT_ISSUE_DATES, REJECTS_PARTITION, Partition
from schemas.metadata import METADATA, METADATA_RECHAZOS
from schemas.rejects import DOCUMENTOS_RECHAZADOS
from warehouse import Warehouse, WarehouseError

__all__ = ["load_files"]

_BATCH = 2_000
_MB = 1 << 20
# Each family's header table and the date that files a document under a month.
_HEADERS = tuple(DOCUMENT_ISSUE_DATES.items())


@dataclass(frozen=True, slots=True)
class _Input:
    """One thing to read: a loose XML file, a zip (documents or metadata), or a metadata text file."""

    path: Path
    kind: str  # "xml", "zip", "metadata"


@dataclass
class _Tally:
    """Rows stored per (dataset, partition), refused documents with why, inputs not read at all."""

    rows: dict[tuple[str, Partition], int] = field(default_factory=dict)
    rejects: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    def add(self, dataset: str, partition: Partition, rows: int) -> None:
        if rows:
            key = (dataset, partition)
            self.rows[key] = self.rows.get(key, 0) + rows


def _classify(path: Path) -> _Input | None:
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return _Input(path, "xml")
    if suffix == ".zip":
        return _Input(path, "zip")
    if suffix == ".txt":
        return _Input(path, "metadata")
    return None


def _inputs(paths: Iterable[Path]) -> tuple[list[_Input], list[Path]]:
    """Every readable input under the paths, in one order whatever the order the paths were given in (so
    that the same files in any order leave the same tables), and the files that are none of them."""
    found: list[_Input] = []
    ignored: list[Path] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            item = _classify(file)
            if item is None:
                ignored.append(file)
            else:
                found.append(item)
    return sorted(found, key=lambda item: item.path.resolve()), ignored  # the order of the paths is not ours


def _documents_in(item: _Input) -> int:
    """How many documents an input holds, for the progress bar (a zip's entries, without reading them)."""
    if item.kind != "zip":
        return 1
    try:
        with zipfile.ZipFile(item.path) as archive:
            return sum(1 for info in archive.infolist() if not info.is_dir())
    except (OSError, zipfile.BadZipFile):
        return 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_MB):
            digest.update(chunk)
    return digest.hexdigest()


def _zip_holds_metadata(path: Path) -> bool:
    for entry in iter_entries(path):
        return entry.kind is not EntryKind.XML
    return False


def _ours(rfcs: tuple[str, ...]) -> pl.Expr:
    """A header row one of `rfcs` issued or received (judged by the row itself, never by UUID alone)."""
    return (pl.col("rfc_emisor").is_in(rfcs) | pl.col("rfc_receptor").is_in(rfcs)).fill_null(False)


def _refused(
    refused: pl.DataFrame, entries: dict[str, tuple[str, int]], reason: Callable[[Mapping[str, object]], str]
) -> pl.DataFrame:
    """`documentos_rechazados` rows for header rows the load cannot file, each with its reason."""
    rows = [
        (
            row["source"],
            *entries[row["source"]],
            "cfdi" if "fecha" in refused.columns else "retenciones",
            row["uuid"],
            reason(row),
        )
        for row in refused.iter_rows(named=True)
    ]
    return pl.DataFrame(rows or None, schema=DOCUMENTOS_RECHAZADOS.schema, orient="row")


def _undated(row: Mapping[str, object]) -> str:
    return "has no date of issue, so no month to file it under"


def _batch_origin(entries: dict[str, tuple[str, int]]) -> tuple[str, str]:
    """Lineage of a batch of loose files: the folder they share, and a digest of their contents."""
    folder = os.path.commonpath([str(Path(source).parent) for source in entries])
    digest = hashlib.sha256("".join(sorted(sha for sha, _ in entries.values())).encode()).hexdigest()
    return f"{len(entries)} files under {folder}", digest


class _Loader:
    """Sends parsed frames to the partitions they belong to, one merge load per partition and batch."""

    def __init__(self, wh: Warehouse, rfcs: tuple[str, ...], tally: _Tally, processes: int) -> None:
        self.wh, self.rfcs, self.tally, self.processes = wh, rfcs, tally, processes
        self.rejects = REJECTS_PARTITION

    def _load(
        self, dataset: str, partition: Partition, frames: dict[str, pl.DataFrame], origin: tuple[str, str]
    ) -> None:
        report = merge_frames(self.wh, partition, dataset, frames, origin)
        if partition != self.rejects:  # refused documents are counted with their reasons instead
            self.tally.add(dataset, partition, report.total_rows - report.rejects)
            self.tally.counts.landed(partition, frames)

    def _foreign(self, row: Mapping[str, object]) -> str:
        return none_of_them(row["rfc_emisor"], row["rfc_receptor"])

    def documents(
        self, entries: Iterable[tuple[str, bytes]], package: tuple[str, str] | None, progress: Progress
    ) -> None:
        """Parse and load XML entries in batches; `package` is the zip's lineage, None for loose files."""
        # Per source read and not yet loaded (several batches are in flight with --processes): sha256 and
        # size, to refuse a document whole and to name a batch.
        seen: dict[str, tuple[str, int]] = {}

        def measured() -> Iterator[tuple[str, bytes]]:
            for source, data in entries:
                seen[source] = (hashlib.sha256(data).hexdigest(), len(data))
                yield source, data

        for batch in iter_parsed_batches(measured(), batch_size=_BATCH, processes=self.processes):
            frames = dict(batch.frames)
            headers = [frames[name] for name, _ in _HEADERS if name in frames]
            sources = {s for frame in (*headers, frames[DOCUMENTOS_RECHAZADOS.name]) for s in frame["source"]}
            mine = {source: seen.pop(source) for source in sources if source in seen}
            refused: list[pl.DataFrame] = []
            for name, column in _HEADERS:
                if name not in frames:
                    continue
                header, ours, dated = frames[name], _ours(self.rfcs), pl.col(column).is_not_null()
                refused.append(_refused(header.filter(~ours), mine, self._foreign))
                refused.append(_refused(header.filter(ours & ~dated), mine, _undated))
                self.tally.counts.refused_for(header.filter(ours & ~dated), self.rfcs)
                frames[name] = header.filter(ours & dated)
            self.tally.counts.repaired(frames[name] for name, _ in _HEADERS if name in frames)
            where = pl.concat(
                [route(frames[name], self.rfcs, column) for name, column in _HEADERS if name in frames]
            )
            rejects = pl.concat([frames[DOCUMENTOS_RECHAZADOS.name], *refused])
            origin = package or _batch_origin(mine)
            for partition, parts in split_by_partition(frames, where, {DOCUMENTOS_RECHAZADOS.name}).items():
                self._load("cfdi", partition, parts, origin)
            if rejects.height:
                self._load("cfdi", self.rejects, {DOCUMENTOS_RECHAZADOS.name: rejects}, origin)
                self.tally.rejects += [(r["source"], r["motivo"]) for r in rejects.iter_rows(named=True)]
            progress.advance(progress.task_ids[0], batch.documents)

    def too_large(
        self, refused: list[Rejection], package: tuple[str, str] | None, progress: Progress
    ) -> None:
        """Documents above the size bound, never read whole: stored as rejects with their size and why."""
        if not refused:
            return
        rejects = pl.DataFrame(refused, schema=DOCUMENTOS_RECHAZADOS.schema, orient="row")
        origin = package or _batch_origin({r.source: (r.sha256, r.tamano_bytes) for r in refused})
        self._load("cfdi", self.rejects, {DOCUMENTOS_RECHAZADOS.name: rejects}, origin)
        self.tally.rejects += [(r.source, r.motivo) for r in refused]
        progress.advance(progress.task_ids[0], len(refused))

    def unreadable(self, path: Path, error: Exception) -> None:
        """A file that cannot be opened: reported, and kept as a reject when its bytes can be read."""
        self.tally.unreadable.append(f"{path}: {error}")
        try:
            sha256, size = _sha256(path), path.stat().st_size
        except OSError:
            return
        reason = f"the file cannot be opened ({error}); none of its documents were read"
        row = [(str(path), sha256, size, None, None, reason)]
        refused = pl.DataFrame(row, schema=DOCUMENTOS_RECHAZADOS.schema, orient="row")
        self._load("cfdi", self.rejects, {DOCUMENTOS_RECHAZADOS.name: refused}, (str(path), sha256))

    def metadata(self, result: MetadataResult, origin: tuple[str, str]) -> None:
        frame = result.frame
        where = route(frame, self.rfcs, "fecha_emision")
        for partition, parts in split_by_partition({METADATA.name: frame}, where).items():
            self._load("metadata", partition, parts, origin)
        foreign = frame.join(where, on="uuid", how="anti").group_by("rfc_emisor", "rfc_receptor").len()
        for issuer, receiver, records in foreign.sort("rfc_emisor", "rfc_receptor").iter_rows():
            reason = f"{records} metadata record(s) {none_of_them(issuer, receiver)}; not loaded"
            self.tally.rejects.append((origin[0], reason))
        if result.rejects.height:
            self._load("metadata", self.rejects, {METADATA_RECHAZOS.name: result.rejects}, origin)
            self.tally.rejects += [
                (f"{r['source']} line {r['numero_linea']}", r["motivo"])
                for r in result.rejects.iter_rows(named=True)
            ]


def _loose_xml(
    items: list[_Input], bound: int, refused: list[Rejection], loader: _Loader
) -> Iterator[tuple[str, bytes]]:
    for item in items:
        try:
            document = read_document(item.path, bound)
        except OSError as error:  # one unreadable file is reported; the others are still read
            loader.unreadable(item.path, error)
            continue
        if isinstance(document, Rejection):
            refused.append(document)
        else:
            yield str(item.path), document


def _read(loader: _Loader, items: list[_Input], progress: Progress, bound: int) -> None:
    loose = [i for i in items if i.kind == "xml"]
    if loose:
        refused: list[Rejection] = []
        loader.documents(_loose_xml(loose, bound, refused, loader), None, progress)
        loader.too_large(refused, None, progress)
    for item in items:
        if item.kind == "xml":
            continue
        task = progress.task_ids[0]
        try:
            origin = (str(item.path), _sha256(item.path))
            if item.kind == "metadata":
                loader.metadata(parse_metadata(item.path.read_bytes(), item.path.name), origin)
                progress.advance(task, 1)
            elif _zip_holds_metadata(item.path):
                loader.metadata(parse_metadata_package(item.path), origin)
                progress.advance(task, _documents_in(item))
            else:
                oversized: list[OversizedEntry] = []
                found = iter_entries(item.path, max_document_bytes=bound, on_oversized=oversized.append)
                entries = ((f"{item.path.name}/{e.name}", e.data) for e in found)
                loader.documents(entries, origin, progress)
                refused = [
                    too_large(f"{item.path.name}/{e.name}", e.sha256, e.size, bound) for e in oversized
                ]
                loader.too_large(refused, origin, progress)
        except (PackageError, MetadataError, OSError) as error:
            loader.unreadable(item.path, error)


def _summary(console: Console, tally: _Tally, published: Path, rfcs: tuple[str, ...]) -> None:
    table = RichTable(title="Rows loaded (merged into the warehouse)")
    for heading in ("rfc", "dataset", "month", "direction", "rows"):
        table.add_column(heading, justify="right" if heading == "rows" else "left")
    for (dataset, partition), rows in sorted(
        tally.rows.items(), key=lambda i: (i[0][1].rfc, i[0][0], i[0][1].month, i[0][1].side)
    ):
        month, side = f"{partition.month:%Y-%m}", partition.side.value
        table.add_row(partition.rfc, dataset, month, side, f"{rows:,}")
    console.print(table)
    print_counts(console, tally.counts, rfcs)
    print_refusals(console, tally.rejects)
    for problem in tally.unreadable:
        console.print(f"[red]not read:[/] {problem}", highlight=False, soft_wrap=True)
    console.print(f"Published for readers: {published}")


@click.command("load-files")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--rfc",
    "rfc_texts",
    required=True,
    multiple=True,
    help="A taxpayer the files belong to (repeat it for several; `registered` for every RFC of "
    "`cfdi-etl rfc add`): each document is filed as issued or received by each of them.",
)
@click.option(
    "--warehouse",
    "warehouse_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The DuckDB warehouse file [default: $CFDI_ETL_HOME/warehouse/cfdi.duckdb].",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes parsing XML side by side (one per spare core pays off from a few thousand files).",
)
def load_files(
    paths: tuple[Path, ...], rfc_texts: tuple[str, ...], warehouse_path: Path | None, processes: int
) -> None:
    """Load CFDI XML files, folders and zips (documents or SAT metadata) a user already has.

    Each document goes to the month it was issued in, as issued or received by each --rfc; documents
    already in the warehouse are replaced, the others kept. Unreadable documents are kept with their reason.
    """
    console = Console(stderr=True)
    rfcs = loaded_rfcs(rfc_texts, read_settings().paths.ledger)
    items, ignored = _inputs(paths)
    for path in ignored:
        console.print(f"skipped {path}: not .xml, .zip or .txt", highlight=False)
    if not items:
        raise click.UsageError(
            "nothing to load: give XML files, zips, metadata .txt files or folders holding them"
        )
    settings = read_settings()
    if warehouse_path is not None:
        settings = replace(settings, warehouse=warehouse_path)
    tally = _Tally()
    try:
        with Warehouse.open(settings.warehouse, lock_wait=settings.warehouse_lock_wait_seconds) as wh:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=console, transient=False) as progress:
                total = sum(_documents_in(i) for i in items)
                task = progress.add_task("documents", total=total)
                _read(_Loader(wh, rfcs, tally, processes), items, progress, settings.max_document_bytes)
                progress.update(task, completed=total)
        published = publish(settings)
    except (WarehouseError, OSError) as error:
        raise user_error(error) from None
    _summary(console, tally, published, rfcs)
    raise SystemExit(exit_code(len(items), len(tally.unreadable)))
