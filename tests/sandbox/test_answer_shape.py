"""Every answer is shaped as SAT's recorded ones, so that clients written against SAT can read it.

python-cfdiclient parses `etree.fromstring(response.text)`: lxml refuses a str that starts with a
declaration naming an encoding, so no answer may carry one (SAT's recorded answers carry none). The
elements, their prefixes, namespace declarations and attribute names must be those of the recording.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import httpx
from lxml import etree

from etl.sat import DocumentStatus, Fiel, QueryParameters, RequestBuilder, RequestType
from sandbox import Fault, Operation, SandboxServer
from tests.paths import SAT_FIXTURES
from tests.sandbox.catalogs import FixtureCatalog
from tests.sandbox.envelopes import http_headers
from tests.sandbox.soap import PATHS

_RECORDED = SAT_FIXTURES / "responses"
_QUERY = QueryParameters.issued(
    dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31, 23, 59, 59), RequestType.XML,
    document_status=DocumentStatus.TODOS,
)  # fmt: skip


def _builder() -> RequestBuilder:
    folder = SAT_FIXTURES / "fiel"
    password = (folder / "EKU9003173C9-password.txt").read_text()
    return RequestBuilder(Fiel.from_files(folder / "EKU9003173C9.cer", folder / "EKU9003173C9.key", password))


def _call(server: SandboxServer, operation: str, body: bytes, token: str | None = None) -> etree._Element:
    """Post, then read the answer as python-cfdiclient does: lxml over the decoded text."""
    response = httpx.post(
        f"{server.base_url}/cfdi{PATHS[operation]}", content=body, headers=http_headers(operation, token)
    )
    assert not response.text.lstrip().startswith("<?xml"), response.text[:80]
    return etree.fromstring(response.text)


def _shape(root: etree._Element) -> set[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]:
    """Each element's prefixed path, attribute names and namespace declarations, whatever the values."""
    shape = set()
    for element in root.iter(etree.Element):
        path = "/".join(
            f"{e.prefix or ''}:{etree.QName(e).localname}"
            for e in (*reversed(list(element.iterancestors())), element)
        )
        parent = element.getparent()
        inherited = {} if parent is None else parent.nsmap
        declared = tuple(sorted((p or "", u) for p, u in element.nsmap.items() if inherited.get(p) != u))
        shape.add((path, tuple(sorted(str(name) for name in element.attrib)), declared))
    return shape


def _recorded(name: str) -> etree._Element:
    return etree.fromstring((_RECORDED / name).read_bytes())


def test_every_operations_answer_parses_from_text_and_has_the_recorded_shape(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(3), documents_per_package=2)
    builder = _builder()
    authenticated = _call(server, "Autentica", builder.authenticate())
    assert _shape(authenticated) == _shape(_recorded("authenticate-token.xml"))
    token = authenticated.findtext(".//{http://DescargaMasivaTerceros.gob.mx}AutenticaResult")
    assert token

    queried = _call(server, "SolicitaDescargaEmitidos", builder.query(_QUERY), token)
    assert _shape(queried) == _shape(_recorded("query-issued.xml"))
    result = queried.find(".//{http://DescargaMasivaTerceros.sat.gob.mx}SolicitaDescargaEmitidosResult")
    assert result is not None
    request_id = result.get("IdSolicitud", "")

    deadline = time.monotonic() + 30
    while True:
        verified = _call(server, "VerificaSolicitudDescarga", builder.verify(request_id), token)
        packages = verified.findall(".//{http://DescargaMasivaTerceros.sat.gob.mx}IdsPaquetes")
        if packages or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert _shape(verified) == _shape(_recorded("verify-2-packages.xml"))

    downloaded = _call(
        server, "PeticionDescargaMasivaTercerosEntrada", builder.download(packages[0].text or ""), token
    )
    assert _shape(downloaded) == _shape(_recorded("download-package.xml"))


def test_faults_and_coded_refusals_parse_from_text_too(sandbox_factory: Callable[..., SandboxServer]) -> None:
    server = sandbox_factory(catalog=FixtureCatalog(1))
    builder = _builder()
    refused = _call(server, "Autentica", builder.authenticate().replace(b"<u:Created>", b"<u:Created>1"))
    assert _shape(refused) == _shape(_recorded("authenticate-fault.xml"))
    unsigned_call = _call(server, "VerificaSolicitudDescarga", builder.verify("x"))  # no token: 300
    assert unsigned_call.find(".//{*}VerificaSolicitudDescargaResult") is not None
    no_package = _call(server, "PeticionDescargaMasivaTercerosEntrada", builder.download("x_01"))
    assert no_package.find(".//{*}respuesta") is not None
    not_xml = _call(server, "VerificaSolicitudDescarga", b"not xml")
    assert not_xml.findtext(".//faultcode") == "s:Client"
    server.faults.inject(Fault.CODE_404, operation=Operation.VERIFY)
    burst = _call(server, "VerificaSolicitudDescarga", builder.verify("x"))
    assert burst.find(".//{*}VerificaSolicitudDescargaResult") is not None


def test_an_unknown_action_fault_parses_from_text(sandbox: SandboxServer) -> None:
    action = "http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/Nada"
    response = httpx.post(
        f"{sandbox.base_url}/cfdi/SolicitaDescargaService.svc",
        content=b"<x/>",
        headers={"SOAPAction": action},
    )
    assert response.status_code == 500
    assert etree.fromstring(response.text).findtext(".//faultcode") == "a:ActionNotSupported"
