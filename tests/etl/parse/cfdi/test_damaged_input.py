"""Whatever the bytes, a batch never fails: each document loads whole or is refused, nothing half-loaded."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from etl.parse.documents import DOCUMENT_TABLES, parse_documents
from tests.etl.parse.cfdi._helpers import damaged_copies, fixture

GOOD = fixture("CfdiUtils-cfdi33-valid.xml")
VICTIM = fixture("CfdiUtils-pagos20-calculator-001.xml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged=damaged_copies(VICTIM))
def test_a_damaged_document_loads_whole_or_is_refused_and_its_neighbours_load(damaged: bytes) -> None:
    batch = parse_documents([("good.xml", GOOD), ("damaged.xml", damaged), ("good2.xml", GOOD)])
    for table in DOCUMENT_TABLES:
        table.check(batch.frames[table.name])
    sources = batch.frames["comprobantes"]["source"].to_list()
    assert sources.count("good.xml") == sources.count("good2.xml") == 1
    refused = batch.rejects["source"].to_list()
    assert ("damaged.xml" in sources) != ("damaged.xml" in refused)
    if "damaged.xml" in refused:
        # nothing of it stayed behind: only the two good documents' lines (3 each)
        assert batch.frames["conceptos"].height == 6
