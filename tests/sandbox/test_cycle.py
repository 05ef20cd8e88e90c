"""The real client against the running sandbox and its synthetic corpus: the whole cycle, every query kind."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from etl.sat import DocumentStatus, EstadoSolicitud, QueryParameters, RequestType, Service
from sandbox import SandboxServer, generate_test_fiel
from sandbox.corpus import Corpus, CorpusConfig, CorpusQuery
from tests.sandbox.client import client_for, run_cycle, zip_names
from tests.sandbox_plugin import SANDBOX_RFCS, SandboxFiel

_START, _END = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 31, 23, 59, 59)


def _expected_count(service: str, direction: str, kind: str, status: str) -> int:
    corpus = Corpus(CorpusConfig(seed=7, rfcs=SANDBOX_RFCS, documents_per_month=30))
    query = CorpusQuery(service=service, requester_rfc=SANDBOX_RFCS[0], direction=direction,  # type: ignore[arg-type]
                        start=_START, end=_END, kind=kind, status=status)  # type: ignore[arg-type]  # fmt: skip
    return corpus.count(query)


@pytest.mark.parametrize("service", [Service.CFDI, Service.RETENCIONES])
@pytest.mark.parametrize(
    "asked",
    [
        ("emitidos", RequestType.METADATA, DocumentStatus.TODOS),
        ("emitidos", RequestType.XML, DocumentStatus.TODOS),
        ("recibidos", RequestType.METADATA, DocumentStatus.TODOS),
        ("recibidos", RequestType.XML, DocumentStatus.VIGENTE),
    ],
)
def test_a_full_cycle_returns_every_document_the_corpus_holds_for_the_query(
    sandbox: SandboxServer,
    sandbox_fiel: SandboxFiel,
    service: Service,
    asked: tuple[str, RequestType, DocumentStatus],
) -> None:
    direction, request_type, status = asked
    factory = QueryParameters.issued if direction == "emitidos" else QueryParameters.received
    params = factory(_START, _END, request_type, service=service, document_status=status)
    with client_for(sandbox.base_url, sandbox_fiel, service) as client:
        result, packages = run_cycle(client, params)
    kind = "xml" if request_type is RequestType.XML else "metadata"
    expected = _expected_count(service.value, direction, kind, status.value)
    assert expected > 0
    assert (result.state, result.document_count) == (EstadoSolicitud.TERMINADA, expected)
    assert len(packages) == len(result.package_ids) >= 1
    names = [name for package in packages for name in zip_names(package)]
    if kind == "xml":
        assert len([n for n in names if n.lower().endswith(".xml")]) == expected
    else:
        assert any(n.endswith("_01.txt") for n in names)


def test_a_folio_query_returns_that_one_document(sandbox: SandboxServer, sandbox_fiel: SandboxFiel) -> None:
    with client_for(sandbox.base_url, sandbox_fiel) as client:
        _, [metadata] = run_cycle(
            client, QueryParameters.issued(_START, _END, document_status=DocumentStatus.TODOS)
        )
        with zipfile.ZipFile(io.BytesIO(metadata)) as archive:
            text = archive.read(next(n for n in archive.namelist() if n.endswith("_01.txt"))).decode()
        uuid = text.split("\r\n")[1].split("~")[0]
        result, [package] = run_cycle(client, QueryParameters.by_uuid(uuid))
    assert result.document_count == 1
    [name] = zip_names(package)
    assert name.lower().startswith(uuid.lower())


def test_an_answer_above_the_package_size_is_split_into_several_packages(
    sandbox_factory: Callable[..., SandboxServer], sandbox_fiel: SandboxFiel
) -> None:
    server = sandbox_factory(documents_per_package=7)
    fiel = sandbox_fiel
    params = QueryParameters.issued(_START, _END, RequestType.XML, document_status=DocumentStatus.TODOS)
    with client_for(server.base_url, fiel) as client:
        result, packages = run_cycle(client, params)
    sizes = [len([n for n in zip_names(p) if n.lower().endswith(".xml")]) for p in packages]
    assert len(packages) == -(-result.document_count // 7) >= 2
    assert sum(sizes) == result.document_count
    assert max(sizes) == 7


def test_several_clients_at_once_are_all_served(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel, tmp_path: Path
) -> None:
    second = generate_test_fiel(
        SANDBOX_RFCS[1], tmp_path / "second", "another-password", ca_dir=sandbox.config.ca_dir
    )
    fiels = [
        sandbox_fiel,
        SandboxFiel(SANDBOX_RFCS[1], second.certificate, second.private_key, "another-password"),
    ]
    outcomes: dict[tuple[str, str], int] = {}
    errors: list[BaseException] = []

    def cycle(fiel: SandboxFiel, request_type: RequestType) -> None:
        try:
            with client_for(sandbox.base_url, fiel) as client:
                params = QueryParameters.issued(
                    _START, _END, request_type, document_status=DocumentStatus.TODOS
                )
                result, _ = run_cycle(client, params)
            outcomes[(fiel.rfc, request_type.value)] = result.document_count
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=cycle, args=(f, t)) for f in fiels for t in RequestType]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(outcomes) == 4
    assert all(count > 0 for count in outcomes.values())


def test_received_cancelled_documents_appear_in_metadata_but_their_xml_is_never_served(
    sandbox: SandboxServer, sandbox_fiel: SandboxFiel
) -> None:
    with client_for(sandbox.base_url, sandbox_fiel) as client:
        _, metadata = run_cycle(
            client, QueryParameters.received(_START, _END, document_status=DocumentStatus.TODOS)
        )
        _, documents = run_cycle(
            client,
            QueryParameters.received(_START, _END, RequestType.XML, document_status=DocumentStatus.VIGENTE),
        )
    statuses = _metadata_statuses(metadata)
    cancelled = {uuid for uuid, status in statuses.items() if status == "0"}
    served = _timbre_uuids(documents)
    assert cancelled, "the corpus should hold received documents cancelled later"
    assert served
    assert not served & cancelled
    assert served == {uuid for uuid, status in statuses.items() if status == "1"}


def _metadata_statuses(packages: list[bytes]) -> dict[str, str]:
    statuses = {}
    for package in packages:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for name in archive.namelist():
                if not name.endswith(".txt") or "_tercero" in name:
                    continue
                header, *records = archive.read(name).decode("utf-8-sig").split("\r\n")
                columns = header.split("~")
                for record in filter(None, records):
                    values = dict(zip(columns, record.split("~"), strict=False))
                    statuses[values["Uuid"].lower()] = values["Estatus"]
    return statuses


def _timbre_uuids(packages: list[bytes]) -> set[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    uuids = set()
    for package in packages:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for name in archive.namelist():
                root = etree.fromstring(archive.read(name), parser)
                [timbre] = root.iter("{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital")
                uuids.add(str(timbre.get("UUID")).lower())
    return uuids
