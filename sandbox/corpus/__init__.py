"""The sandbox's synthetic corpus: CFDI and Retenciones documents for configured RFCs, and SAT-like packages.

Every document is a pure function of (seed, RFC, month, index), regenerated when asked for, so a month of
200,000 documents is never held in memory and counting needs no XML::

    corpus = Corpus(CorpusConfig(seed=7, rfcs=("EKU9003173C9",), documents_per_month=500))
    query = CorpusQuery(service="cfdi", requester_rfc="EKU9003173C9", direction="recibidos",
                        start=datetime(2025, 1, 1), end=datetime(2025, 1, 31, 23, 59, 59), kind="xml",
                        status="Vigente", as_of=None)
    corpus.count(query)                                   # SAT's NumeroCFDIs
    corpus.write_packages(query, out_dir, "4E1B...")      # [PackageFile(package_id="4E1B..._01", ...)]
    corpus.documents(query)                               # the matching documents with their XML
    corpus.document(uuid)                                 # one document's XML, by UUID

`iter_cfdi40_invoices(count, seed)` yields plain CFDI 4.0 invoices (1-20 lines, ~9 KB) for benchmarks.
The layout of the corpus (which documents pay, credit or substitute which) is described in `_plan.py`;
the Retenciones metadata header in `_metadata.py`; the package quirks in `_packages.py`.
"""

from ._corpus import Corpus, CorpusConfig, CorpusDocument
from ._metadata import CFDI_METADATA_HEADER, RETENCIONES_METADATA_HEADER, TERCEROS_HEADER
from ._packages import PackageFile
from ._query import CorpusQuery
from ._samples import iter_cfdi40_invoices

__all__ = [
    "CFDI_METADATA_HEADER",
    "RETENCIONES_METADATA_HEADER",
    "TERCEROS_HEADER",
    "Corpus",
    "CorpusConfig",
    "CorpusDocument",
    "CorpusQuery",
    "PackageFile",
    "iter_cfdi40_invoices",
]
