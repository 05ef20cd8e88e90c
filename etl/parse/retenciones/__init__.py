"""Retenciones e información de pagos XML (2.0 and 1.0, TFD 1.1 and 1.0) into `schemas.retenciones`.

    collector = RetencionesCollector()
    collector.add(source, sha256, data)       # per document; DocumentRejectedError keeps nothing of it
    frames, rejections = collector.finish()   # per batch: retenciones, retenciones_impuestos,
                                              # complementos_raw, and documents refused while typing

It is etl.parse.documents' DocumentCollector for documents whose root element is `Retenciones`. Complements
(Dividendos, plataformas tecnológicas, …), Addenda and anything else not modelled go to complementos_raw.
"""

from etl.parse.retenciones._collector import RetencionesCollector

__all__ = ["RetencionesCollector"]
