"""Counting is exact over any period split, both sides see shared documents, folio queries find one."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from ._helpers import RFCS, corpus_for, parse, query


def test_counts_of_adjacent_periods_add_up_to_the_count_of_their_union() -> None:
    corpus = corpus_for(per_month=500)
    start, end = datetime(2025, 2, 1), datetime(2025, 2, 28, 23, 59, 59)
    whole = corpus.count(query("emitidos", start=start, end=end, status="Todos"))
    assert whole == 500
    cuts = [datetime(2025, 2, 9, 13, 27, 41), datetime(2025, 2, 17), datetime(2025, 2, 17, 0, 0, 1)]
    bounds = [start, *cuts, end + timedelta(seconds=1)]
    parts = [
        corpus.count(query("emitidos", start=low, end=high - timedelta(seconds=1), status="Todos"))
        for low, high in itertools.pairwise(bounds)
    ]
    assert sum(parts) == whole


def test_a_document_one_configured_rfc_issues_to_another_is_received_by_it() -> None:
    corpus = corpus_for()
    issued = {
        d.uuid
        for d in corpus.documents(query("emitidos", "xml", status="Todos", counterpart_rfcs=(RFCS[1],)))
    }
    received = {d.uuid for d in corpus.documents(query("recibidos", "xml", rfc=RFCS[1], status="Vigente"))}
    assert issued
    vigentes = {d.uuid for d in corpus.documents(query("emitidos", "xml", status="Vigente"))}
    assert issued & vigentes <= received


def test_a_folio_query_finds_the_document_by_lower_case_uuid_for_its_parties_only() -> None:
    corpus = corpus_for()
    document = next(iter(corpus.documents(query("emitidos", "xml", status="Vigente"))))
    folio = query(None, "xml", uuid=document.uuid.lower())
    assert [d.xml for d in corpus.documents(folio)] == [document.xml]
    assert corpus.count(query(None, "xml", uuid=document.uuid, rfc=RFCS[1])) == (
        1 if document.receiver_rfc == RFCS[1] else 0
    )
    assert corpus.count(query(None, "xml", uuid="8a3f0c4e-1111-4222-8333-944455556666")) == 0


def test_filters_by_counterpart_type_and_complement_select_what_they_name() -> None:
    corpus = corpus_for()
    documents = list(corpus.documents(query("recibidos", "xml", status="Vigente")))
    issuer = documents[0].issuer_rfc
    by_issuer = list(
        corpus.documents(query("recibidos", "xml", status="Vigente", counterpart_rfcs=(issuer,)))
    )
    assert by_issuer
    assert all(d.issuer_rfc == issuer for d in by_issuer)
    payments = list(corpus.documents(query("recibidos", "xml", status="Vigente", complement="pagos20")))
    assert payments
    assert all(d.document_type == "P" for d in payments)
    assert all(parse(d.xml).get("TipoDeComprobante") == "P" for d in payments)
    credit = corpus.count(query("recibidos", "xml", status="Vigente", document_type="E"))
    assert credit == sum(1 for d in documents if d.document_type == "E")


def test_months_outside_the_configured_range_hold_nothing() -> None:
    corpus = corpus_for(first_month="2025-02", last_month="2025-02")
    assert corpus.count(query("emitidos", start=datetime(2025, 1, 1), end=datetime(2025, 1, 31))) == 0
    assert (
        corpus.count(query("emitidos", start=datetime(2025, 1, 1), end=datetime(2025, 3, 31), status="Todos"))
        == 80
    )


def test_as_of_hides_documents_not_yet_issued_and_cancellations_not_yet_made() -> None:
    corpus = corpus_for()
    cancelled = list(corpus.documents(query("emitidos", "xml", status="Cancelado")))
    later = [d for d in cancelled if d.cancelled_at is not None and d.cancelled_at.month > d.issued_at.month]
    assert later
    document = later[0]
    assert document.cancelled_at is not None
    before = document.cancelled_at - timedelta(seconds=1)
    then = query("emitidos", "xml", status="Vigente", as_of=before)
    assert document.uuid in {d.uuid for d in corpus.documents(then)}
    assert all(d.issued_at <= before for d in corpus.documents(then))
    now = query("emitidos", "xml", status="Vigente", as_of=document.cancelled_at)
    assert document.uuid not in {d.uuid for d in corpus.documents(now)}
    everything = query("emitidos", status="Todos")
    assert corpus.count(query("emitidos", status="Todos", as_of=datetime(2025, 2, 1))) < corpus.count(
        everything
    )


def test_a_withholding_one_configured_rfc_issues_to_another_is_received_by_it() -> None:
    corpus = corpus_for(retenciones_per_month=40)
    to_other = query("emitidos", "xml", service="retenciones", status="Vigente", counterpart_rfcs=(RFCS[1],))
    issued = {d.uuid for d in corpus.documents(to_other)}
    received = query("recibidos", "xml", rfc=RFCS[1], service="retenciones", status="Vigente")
    assert issued
    assert issued <= {d.uuid for d in corpus.documents(received)}
