"""Every generated document is valid XML that reconciles to the cent, and references resolve."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from sandbox.corpus import Corpus, CorpusConfig, iter_cfdi40_invoices

from ._helpers import CFDI, RFCS, TFD, attr, corpus_for, dec, metadata_rows, parse, query

IMPLOCAL = "{http://www.sat.gob.mx/implocal}"
PAGOS = "{http://www.sat.gob.mx/Pagos20}"
RET = "{http://www.sat.gob.mx/esquemas/retencionpago/2}"
ZERO = Decimal(0)


def _sum(elements: list[etree._Element], name: str) -> Decimal:
    return sum((dec(e, name) for e in elements if e.get(name) is not None), ZERO)


def _check_cfdi_reconciles(root: etree._Element) -> None:
    ns = root.tag[: root.tag.index("}") + 1]
    lines = root.findall(f"{ns}Conceptos/{ns}Concepto")
    assert 1 <= len(lines) <= 20
    for line in lines:
        assert dec(line, "Cantidad") * dec(line, "ValorUnitario") == dec(line, "Importe")
    subtotal = _sum(lines, "Importe")
    descuento = _sum(lines, "Descuento")
    total = dec(root, "Total")
    if attr(root, "TipoDeComprobante") in ("P", "T"):
        assert subtotal == total == ZERO
        return
    assert dec(root, "SubTotal") == subtotal
    assert Decimal(root.get("Descuento", "0")) == descuento
    taxes = root.find(f"{ns}Impuestos")
    transferred = withheld = ZERO
    if taxes is not None:
        transferred = Decimal(taxes.get("TotalImpuestosTrasladados", "0"))
        withheld = Decimal(taxes.get("TotalImpuestosRetenidos", "0"))
        line_transferred = _sum(
            root.findall(f"{ns}Conceptos/{ns}Concepto/{ns}Impuestos/{ns}Traslados/*"), "Importe"
        )
        line_withheld = _sum(
            root.findall(f"{ns}Conceptos/{ns}Concepto/{ns}Impuestos/{ns}Retenciones/*"), "Importe"
        )
        assert (transferred, withheld) == (line_transferred, line_withheld)
        assert _sum(taxes.findall(f"{ns}Traslados/*"), "Importe") == transferred
    local = root.find(f"{ns}Complemento/{IMPLOCAL}ImpuestosLocales")
    local_net = ZERO if local is None else dec(local, "TotaldeTraslados") - dec(local, "TotaldeRetenciones")
    assert subtotal - descuento + transferred - withheld + local_net == total


def _all_documents(corpus: Corpus, service: str) -> list[bytes]:
    documents: list[bytes] = []
    for rfc in RFCS:
        for direction in ("emitidos", "recibidos"):
            q = query(direction, "xml", rfc=rfc, service=service, status="Todos")
            documents.extend(d.xml for d in corpus.documents(q))
    return documents


def test_every_cfdi_parses_safely_has_a_stamp_and_reconciles_lines_taxes_and_total_to_the_cent() -> None:
    corpus = corpus_for()
    documents = _all_documents(corpus, "cfdi")
    kinds = set()
    for data in documents:
        root = parse(data)
        stamp = root.find(f"*/{TFD}TimbreFiscalDigital")
        assert stamp is not None
        assert len(attr(stamp, "UUID")) == 36
        kinds.add((attr(root, "Version"), attr(root, "TipoDeComprobante")))
        _check_cfdi_reconciles(root)
        global_info = root.find(f"{CFDI}InformacionGlobal")
        if global_info is not None:
            receiver = root.find(f"{CFDI}Receptor")
            assert receiver is not None
            assert attr(receiver, "Rfc") == "XAXX010101000"
            assert attr(receiver, "DomicilioFiscalReceptor") == attr(root, "LugarExpedicion")
            assert attr(global_info, "Meses") == attr(root, "Fecha")[5:7]
            kinds.add(("4.0", "global"))
    assert {("4.0", t) for t in "IEPNT"} | {("3.3", "I"), ("4.0", "global")} <= kinds
    assert 3_000 < sum(map(len, documents)) / len(documents) < 12_000


def test_every_retenciones_document_totals_its_withheld_taxes() -> None:
    documents = _all_documents(corpus_for(), "retenciones")
    assert documents
    for data in documents:
        root = parse(data)
        assert root.tag == f"{RET}Retenciones"
        assert root.find(f"{RET}Complemento/{TFD}TimbreFiscalDigital") is not None
        totals = root.find(f"{RET}Totales")
        assert totals is not None
        assert dec(totals, "MontoTotGrav") + dec(totals, "MontoTotExent") == dec(totals, "MontoTotOperacion")
        assert _sum(totals.findall(f"{RET}ImpRetenidos"), "MontoRet") == dec(totals, "MontoTotRet")


def test_payments_chain_each_ppd_invoice_in_two_parcialidades_that_end_at_zero() -> None:
    corpus = corpus_for()
    q = query("emitidos", "xml", document_type="P", end=datetime(2025, 6, 30))
    payments = [parse(d.xml) for d in corpus.documents(q)]
    by_invoice: dict[str, dict[int, etree._Element]] = {}
    for payment in payments:
        pago = payment.find(f"{CFDI}Complemento/{PAGOS}Pagos/{PAGOS}Pago")
        assert pago is not None
        related = pago.findall(f"{PAGOS}DoctoRelacionado")
        assert dec(pago, "Monto") == _sum(related, "ImpPagado")
        for dr in related:
            assert dec(dr, "ImpSaldoAnt") - dec(dr, "ImpPagado") == dec(dr, "ImpSaldoInsoluto")
            by_invoice.setdefault(attr(dr, "IdDocumento"), {})[int(attr(dr, "NumParcialidad"))] = dr
    complete = {uuid: parts for uuid, parts in by_invoice.items() if set(parts) == {1, 2}}
    assert len(complete) >= 3
    for uuid, parts in complete.items():
        invoice_xml = corpus.document(uuid)
        assert invoice_xml is not None
        invoice = parse(invoice_xml)
        assert (attr(invoice, "MetodoPago"), attr(invoice, "TipoDeComprobante")) == ("PPD", "I")
        assert dec(parts[1], "ImpSaldoAnt") == dec(invoice, "Total")
        assert dec(parts[2], "ImpSaldoAnt") == dec(parts[1], "ImpSaldoInsoluto")
        assert dec(parts[2], "ImpSaldoInsoluto") == ZERO


def test_credit_notes_and_substitutions_point_at_documents_of_the_same_parties(tmp_path: Path) -> None:
    corpus = corpus_for()
    q = query("emitidos", "metadata", status="Todos")
    rows, _ = metadata_rows([p.path for p in corpus.write_packages(q, tmp_path, "R")])
    status = {row["Uuid"]: row for row in rows}
    relations: dict[str, int] = {}
    for document in corpus.documents(query("emitidos", "xml", status="Todos")):
        root = parse(document.xml)
        for group in root.findall(f"{CFDI}CfdiRelacionados"):
            relation = attr(group, "TipoRelacion")
            relations[relation] = relations.get(relation, 0) + 1
            for related in group:
                target_xml = corpus.document(attr(related, "UUID"))
                assert target_xml is not None
                target = parse(target_xml)
                receiver = target.find(f"{CFDI}Receptor")
                assert receiver is not None
                assert attr(receiver, "Rfc") == document.receiver_rfc
                if relation == "04":  # the substituted document is cancelled after its substitute was stamped
                    old = status.get(attr(related, "UUID"))
                    if old is not None:
                        assert old["Estatus"] == "0"
                        assert old["FechaCancelacion"] > status[document.uuid]["FechaCertificacionSat"]
    assert relations.keys() == {"01", "04"}


def test_benchmark_invoices_are_deterministic_stamped_cfdi40_of_one_to_twenty_lines() -> None:
    first = list(iter_cfdi40_invoices(60, seed=3))
    assert first == list(iter_cfdi40_invoices(60, seed=3))
    assert first != list(iter_cfdi40_invoices(60, seed=4))
    uuids = set()
    for data in first:
        root = parse(data)
        assert attr(root, "Version") == "4.0"
        _check_cfdi_reconciles(root)
        stamp = root.find(f"{CFDI}Complemento/{TFD}TimbreFiscalDigital")
        assert stamp is not None
        uuids.add(attr(stamp, "UUID").upper())
    assert len(uuids) == 60
    assert 6_000 < sum(map(len, first)) / len(first) < 14_000


@pytest.mark.parametrize("bad", ["eku9003173c9", "EKU9003173", ""])
def test_a_malformed_rfc_is_refused_when_configuring(bad: str) -> None:
    with pytest.raises(ValueError, match="RFC"):
        CorpusConfig(seed=1, rfcs=(bad,))
