"""Plain CFDI 4.0 invoices for benchmarks, without the rest of the corpus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from uuid import UUID

from ._cfdi_xml import render_cfdi
from ._draw import digest, rng
from ._invoice import Comprobante, make_line
from ._parties import PACS, counterpart, taxpayer
from ._plan import POOL_SIZE

__all__ = ["iter_cfdi40_invoices"]

_PROFILES = ("iva16", "iva16", "iva16", "iva8", "iva0", "exento", "ieps", "honorarios")


def iter_cfdi40_invoices(count: int, seed: int, issuer_rfc: str = "EKU9003173C9") -> Iterator[bytes]:
    """`count` CFDI 4.0 type I invoices with 1 to 20 lines each (about 9 KB on average), the same bytes for
    the same seed. Each has a TimbreFiscalDigital with a distinct UUID."""
    issuer = taxpayer(seed, issuer_rfc)
    start = datetime(2025, 1, 1)
    for index in range(count):
        r = rng(seed, "sample", index)
        uuid = str(UUID(bytes=digest(seed, "sample-uuid", index), version=4)).upper()
        fecha = start + timedelta(seconds=index * 17 + r.randrange(17))
        lines = tuple(
            make_line(r, r.choice(_PROFILES), discount=r.random() < 0.15) for _ in range(r.randrange(1, 21))
        )
        yield render_cfdi(
            Comprobante(
                version="4.0",
                tipo="I",
                serie="F",
                folio=str(index + 1),
                fecha=fecha,
                forma_pago="03",
                metodo_pago="PUE",
                moneda="MXN",
                tipo_cambio=None,
                issuer=issuer,
                receiver=counterpart(seed, index % POOL_SIZE),
                uso_cfdi="G03",
                lines=lines,
                uuid=uuid,
                stamped=fecha + timedelta(seconds=40),
                pac=PACS[index % len(PACS)],
                lower_case_uuid=index % 3 != 0,
            )
        )
