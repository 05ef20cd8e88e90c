"""Reading what the corpus wrote, with lxml only, independently of the corpus's own models."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery

__all__ = [
    "CFDI",
    "RFCS",
    "TFD",
    "attr",
    "corpus_for",
    "dec",
    "metadata_rows",
    "parse",
    "query",
    "xml_entries",
]

CFDI = "{http://www.sat.gob.mx/cfd/4}"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}"
RFCS = ("EKU9003173C9", "M&A010101AB1")  # the second has an `&`, legal in an RFC
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def corpus_for(seed: int = 11, per_month: int = 80, **extra: object) -> Corpus:
    return Corpus(CorpusConfig(seed=seed, rfcs=RFCS, documents_per_month=per_month, **extra))  # type: ignore[arg-type]


def query(
    direction: str | None,
    kind: str = "metadata",
    *,
    start: datetime = datetime(2025, 1, 1),
    end: datetime = datetime(2025, 3, 31, 23, 59, 59),
    rfc: str = RFCS[0],
    **filters: object,
) -> CorpusQuery:
    return CorpusQuery(
        service=filters.pop("service", "cfdi"),  # type: ignore[arg-type]
        requester_rfc=rfc,
        direction=direction,  # type: ignore[arg-type]
        start=start,
        end=end,
        kind=kind,  # type: ignore[arg-type]
        **filters,  # type: ignore[arg-type]
    )


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data.removeprefix(b"\xef\xbb\xbf"), _PARSER)


def attr(element: etree._Element, name: str) -> str:
    value = element.get(name)
    assert value is not None, f"{element.tag} has no {name}"
    return value


def dec(element: etree._Element, name: str) -> Decimal:
    return Decimal(attr(element, name))


def xml_entries(paths: list[Path]) -> dict[str, bytes]:
    entries: dict[str, bytes] = {}
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                entries[name] = archive.read(name)
    return entries


def metadata_rows(paths: list[Path]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Records by header name (only CRLF ends a record), and the third-party RFC by lower-case UUID."""
    rows: list[dict[str, str]] = []
    third: dict[str, str] = {}
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                lines = archive.read(name).decode().split("\r\n")
                header = lines[0].split("~")
                records = [dict(zip(header, line.split("~"), strict=True)) for line in lines[1:]]
                if name.endswith("_tercero.txt"):
                    third.update({r["Uuid"]: r["RfcACuentaTerceros"] for r in records})
                else:
                    rows.extend(records)
    return rows, third
