"""SAT answers as of the moment it accepted a request: later documents and cancellations do not exist yet."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

from etl.sat import DocumentStatus, QueryParameters
from sandbox import SandboxServer
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
from tests.sandbox.client import client_for, run_cycle
from tests.sandbox_plugin import SANDBOX_RFCS, SandboxFiel

_MEXICO = dt.timezone(dt.timedelta(hours=-6))
_PER_MONTH = 400


def _metadata_records(package: bytes) -> dict[str, list[str]]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("_01.txt"))
        header, *lines = archive.read(name).decode().replace("\n", "").split("\r")
    columns = header.split("~")
    uuid, emitted, status, cancelled = (
        columns.index(c) for c in ("Uuid", "FechaEmision", "Estatus", "FechaCancelacion")
    )
    return {
        line.split("~")[uuid].lower(): [line.split("~")[i] for i in (emitted, status, cancelled)]
        for line in lines
        if line
    }


def test_a_document_cancelled_after_the_request_is_still_vigente_in_its_answer(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    now = dt.datetime.now(_MEXICO).replace(tzinfo=None, microsecond=0)
    start = (now - dt.timedelta(days=62)).replace(day=1, hour=0, minute=0, second=0)
    end = now - dt.timedelta(minutes=1)
    corpus = Corpus(CorpusConfig(seed=7, rfcs=SANDBOX_RFCS, documents_per_month=_PER_MONTH))
    timeline = CorpusQuery(
        service="cfdi",
        requester_rfc=SANDBOX_RFCS[0],
        direction="emitidos",
        start=start,
        end=dt.datetime(now.year + 1, 12, 31),
        kind="metadata",
        status="Todos",
    )
    documents = list(corpus.documents(timeline))
    cancelled_later = [
        d.uuid.lower() for d in documents if d.issued_at <= end and d.cancelled_at and d.cancelled_at > now
    ]
    issued_later = [d.uuid.lower() for d in documents if d.issued_at > now]
    assert cancelled_later, "the corpus should hold a recent document cancelled in the future"

    sandbox = sandbox_factory(documents_per_month=_PER_MONTH)
    params = QueryParameters.issued(start, end, document_status=DocumentStatus.TODOS)
    with client_for(sandbox.base_url, sandbox_fiel) as client:
        _, [package] = run_cycle(client, params)
    records = _metadata_records(package)

    for uuid in cancelled_later:
        assert records[uuid][1:] == ["1", ""]
    assert not set(issued_later) & set(records)
    assert all(dt.datetime.fromisoformat(emitted) <= end for emitted, _, _ in records.values())
