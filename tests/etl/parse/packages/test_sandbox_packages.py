"""Packages as the sandbox makes them (SAT's quirks included) read whole: every record and document."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Literal

import polars as pl
import pytest

from etl.parse.metadata import parse_metadata_package
from etl.parse.packages import EntryKind, iter_entries
from etl.parse.retenciones import RetencionesCollector
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery

RFC = "EKU9003173C9"
CORPUS = Corpus(
    CorpusConfig(seed=11, rfcs=(RFC, "AAA010101AAA"), documents_per_month=120, retenciones_per_month=25)
)
Service = Literal["cfdi", "retenciones"]
Direction = Literal["emitidos", "recibidos"]


def query(service: Service, direction: Direction, kind: Literal["metadata", "xml"]) -> CorpusQuery:
    return CorpusQuery(service, RFC, direction, datetime(2025, 1, 1), datetime(2025, 1, 31, 23, 59, 59), kind)


@pytest.mark.parametrize("service", ["cfdi", "retenciones"])
@pytest.mark.parametrize("direction", ["emitidos", "recibidos"])
def test_metadata_packages_read_to_exactly_the_records_sat_counts(
    tmp_path: Path, service: Service, direction: Direction
) -> None:
    asked = query(service, direction, "metadata")
    packages = CORPUS.write_packages(asked, tmp_path, "REQ", 50)

    results = [parse_metadata_package(package.path) for package in packages]

    assert sum(r.record_count for r in results) == CORPUS.count(asked)
    assert sum(r.frame.height for r in results) == CORPUS.count(asked)
    assert [r.rejects.height for r in results] == [0] * len(results)
    if service == "retenciones":
        assert all(r.frame["monto_tot_ret"].is_not_null().all() for r in results)


def test_third_parties_from_the_sandbox_join_their_records(tmp_path: Path) -> None:
    packages = CORPUS.write_packages(query("cfdi", "emitidos", "metadata"), tmp_path, "REQ")

    (result,) = [parse_metadata_package(package.path) for package in packages]

    with_third_party = result.frame.filter(result.frame["rfc_a_cuenta_terceros"].is_not_null())
    assert with_third_party.height > 0
    assert result.rejects.is_empty()


@pytest.mark.parametrize("direction", ["emitidos", "recibidos"])
def test_retenciones_xml_packages_parse_whole(tmp_path: Path, direction: Direction) -> None:
    asked = query("retenciones", direction, "xml")
    collector = RetencionesCollector()
    names: list[str | None] = []
    for package in CORPUS.write_packages(asked, tmp_path, "REQ", 10):
        for entry in iter_entries(package.path):
            assert entry.kind is EntryKind.XML
            collector.add(entry.name, hashlib.sha256(entry.data).hexdigest(), entry.data)
            names.append(entry.uuid)

    frames, rejections = collector.finish()

    assert rejections == []
    assert frames["retenciones"].height == len(names) == CORPUS.count(asked)
    assert set(frames["retenciones"]["uuid"]) == set(names)
    withheld = frames["retenciones_impuestos"].group_by("uuid").agg(pl.col("monto_ret").sum())
    compared = frames["retenciones"].join(withheld, on="uuid", how="left")
    assert compared.filter(pl.col("monto_tot_ret") != pl.col("monto_ret").fill_null(0)).is_empty()
