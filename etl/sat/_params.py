"""What a download request asks SAT for (service version 1.5), checked before anything is sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from etl.sat._errors import QueryParametersError
from schemas import Direction, PartitionError, check_rfc

__all__ = [
    "CFDI_COMPLEMENTS",
    "RETENCIONES_COMPLEMENTS",
    "Direction",
    "DocumentStatus",
    "DocumentType",
    "QueryParameters",
    "RequestType",
    "Service",
    "mexico_now",
]

# Mexico City has kept UTC-6 all year since SAT's 2022 change; SAT's dates are that wall-clock time.
_MEXICO = timezone(timedelta(hours=-6), "America/Mexico_City")
_MAX_COUNTERPARTS_ISSUED = 5
_OLDEST_YEARS = 6


class Service(StrEnum):
    """SAT's two service families; a token from one is used only on that one."""

    CFDI = "cfdi"
    RETENCIONES = "retenciones"


class RequestType(StrEnum):
    """`TipoSolicitud`: the metadata list or the XML documents (`CFDI` also for Retenciones)."""

    METADATA = "Metadata"
    XML = "CFDI"


class DocumentType(StrEnum):
    """`TipoComprobante`."""

    INGRESO = "I"
    EGRESO = "E"
    TRASLADO = "T"
    NOMINA = "N"
    PAGO = "P"


class DocumentStatus(StrEnum):
    """`EstadoComprobante`."""

    TODOS = "Todos"
    VIGENTE = "Vigente"
    CANCELADO = "Cancelado"


# SAT's complement codes for the `Complemento` filter, as the reference clients send them; the newer
# Carta Porte and Comercio Exterior versions follow SAT's naming (the protocol document names cartaporte31).
CFDI_COMPLEMENTS: frozenset[str] = frozenset(
    {
        "acreditamientoieps10", "aerolineas", "cartaporte10", "cartaporte20", "cartaporte30", "cartaporte31",
        "certificadodedestruccion", "cfdiregistrofiscal", "comercioexterior10", "comercioexterior11",
        "comercioexterior20", "consumodecombustibles", "consumodecombustibles11", "detallista", "divisas",
        "donat11", "ecc11", "ecc12", "gastoshidrocarburos10", "iedu", "implocal", "ine11",
        "ingresoshidrocarburos", "leyendasfisc", "nomina11", "nomina12", "notariospublicos",
        "obrasarteantiguedades", "pagoenespecie", "pagos10", "pagos20", "pfic",
        "renovacionysustitucionvehiculos", "servicioparcialconstruccion", "spei", "terceros11",
        "turistapasajeroextranjero", "valesdedespensa", "vehiculousado", "ventavehiculos11",
    }
)  # fmt: skip
RETENCIONES_COMPLEMENTS: frozenset[str] = frozenset(
    {
        "arrendamientoenfideicomiso", "dividendos", "enajenaciondeacciones", "fideicomisonoempresarial",
        "intereses", "intereseshipotecarios", "operacionesconderivados", "pagosaextranjeros",
        "planesderetiro", "planesderetiro11", "premios", "sectorfinanciero",
        "serviciosplataformastecnologicas10",
    }
)  # fmt: skip


def mexico_now() -> datetime:
    """Now, as Mexico's naive wall-clock time (the clock SAT's dates use)."""
    return datetime.now(_MEXICO).replace(tzinfo=None)


def _rfc(value: str, what: str) -> str:
    """The RFC rule of `schemas`, its refusal told as a query parameter's."""
    try:
        return check_rfc(value, what)
    except PartitionError as error:
        raise QueryParametersError(str(error)) from None


@dataclass(frozen=True, slots=True)
class QueryParameters:
    """One SAT download request: by direction and period, or one document by UUID (`folio`).

    Use `issued`, `received` or `by_uuid`. Values are checked and normalised on creation (RFCs upper
    case, the UUID lower case, the document status made explicit), so that the same request always has
    the same parameters.
    """

    service: Service = Service.CFDI
    direction: Direction | None = None
    request_type: RequestType | None = None
    start: datetime | None = None
    end: datetime | None = None
    folio: str | None = None
    document_type: DocumentType | None = None
    document_status: DocumentStatus | None = None
    third_party_rfc: str | None = None
    complement: str | None = None
    counterparts: tuple[str, ...] = field(default=())

    @classmethod
    def issued(
        cls,
        start: datetime,
        end: datetime,
        request_type: RequestType = RequestType.METADATA,
        *,
        service: Service = Service.CFDI,
        document_type: DocumentType | None = None,
        document_status: DocumentStatus | None = None,
        third_party_rfc: str | None = None,
        complement: str | None = None,
        receivers: tuple[str, ...] = (),
    ) -> QueryParameters:
        """Documents the FIEL's RFC issued between `start` and `end` (inclusive), to up to 5 receivers."""
        return cls(
            service=service,
            direction=Direction.ISSUED,
            request_type=request_type,
            start=start,
            end=end,
            document_type=document_type,
            document_status=document_status,
            third_party_rfc=third_party_rfc,
            complement=complement,
            counterparts=tuple(receivers),
        )

    @classmethod
    def received(
        cls,
        start: datetime,
        end: datetime,
        request_type: RequestType = RequestType.METADATA,
        *,
        service: Service = Service.CFDI,
        document_type: DocumentType | None = None,
        document_status: DocumentStatus | None = None,
        third_party_rfc: str | None = None,
        complement: str | None = None,
        issuer: str | None = None,
    ) -> QueryParameters:
        """Documents issued to the FIEL's RFC between `start` and `end` (inclusive), maybe by one issuer."""
        return cls(
            service=service,
            direction=Direction.RECEIVED,
            request_type=request_type,
            start=start,
            end=end,
            document_type=document_type,
            document_status=document_status,
            third_party_rfc=third_party_rfc,
            complement=complement,
            counterparts=(issuer,) if issuer else (),
        )

    @classmethod
    def by_uuid(cls, folio: str, *, service: Service = Service.CFDI) -> QueryParameters:
        """One document, by its UUID; SAT accepts no other filter with it."""
        return cls(service=service, folio=folio)

    def __post_init__(self) -> None:
        if self.folio is not None:
            self._check_folio_query()
        else:
            self._check_period_query()

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _check_folio_query(self) -> None:
        assert self.folio is not None
        extras = [
            name
            for name in (
                "direction", "request_type", "start", "end", "document_type", "document_status",
                "third_party_rfc", "complement",
            )
            if getattr(self, name) is not None
        ] + (["counterparts"] if self.counterparts else [])  # fmt: skip
        if extras:
            raise QueryParametersError(
                "A query by UUID (folio) takes nothing but the UUID; remove: " + ", ".join(extras) + "."
            )
        try:
            self._set("folio", str(uuid.UUID(self.folio.strip())))
        except ValueError:
            raise QueryParametersError(
                f"{self.folio!r} is not a UUID: give the document's folio fiscal, "
                "e.g. 4abf0f69-8e7d-42bd-ac5f-787275eb52d2."
            ) from None

    def _check_period_query(self) -> None:
        if self.direction is None:
            raise QueryParametersError(
                "Say which documents to ask for: issued or received (with a period), or one UUID (folio)."
            )
        if self.request_type is None:
            raise QueryParametersError("Say what to download: Metadata or CFDI (the XML documents).")
        self._check_period()
        self._check_status()
        self._check_counterparts()
        if self.third_party_rfc is not None:
            self._set("third_party_rfc", _rfc(self.third_party_rfc, "The third-party RFC"))
        self._check_complement()

    def _check_period(self) -> None:
        start, end = self.start, self.end
        if start is None or end is None:
            raise QueryParametersError("A query by period needs both a start and an end date and time.")
        for name, moment in (("start", start), ("end", end)):
            if moment.tzinfo is not None:
                raise QueryParametersError(
                    f"The {name} {moment.isoformat()} has a time zone: SAT's dates are Mexico's local "
                    "wall-clock time with no zone; give a naive datetime."
                )
            if moment.microsecond:
                raise QueryParametersError(
                    f"The {name} {moment.isoformat()} has a fraction of a second: SAT takes whole seconds."
                )
        if start >= end:
            raise QueryParametersError(
                f"The period starts ({start:%Y-%m-%d %H:%M:%S}) at or after it ends "
                f"({end:%Y-%m-%d %H:%M:%S}): the start must be strictly before the end."
            )
        today = mexico_now().replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            oldest = today.replace(year=today.year - _OLDEST_YEARS)
        except ValueError:  # 29 February
            oldest = today.replace(year=today.year - _OLDEST_YEARS, day=28)
        if start < oldest:
            raise QueryParametersError(
                f"The period starts on {start:%Y-%m-%d}, more than six years ago: SAT serves nothing "
                f"before {oldest:%Y-%m-%d}. Start on or after that day."
            )

    def _check_status(self) -> None:
        received_xml = self.direction is Direction.RECEIVED and self.request_type is RequestType.XML
        if received_xml and self.document_status not in (None, DocumentStatus.VIGENTE):
            raise QueryParametersError(
                "SAT delivers received XML only for current (Vigente) documents; cancelled received "
                "documents appear only in metadata. Ask for Metadata, or for status Vigente."
            )
        if self.document_status is None:
            # SAT assumes Vigente when the status is missing: say what is meant explicitly.
            self._set("document_status", DocumentStatus.VIGENTE if received_xml else DocumentStatus.TODOS)

    def _check_counterparts(self) -> None:
        if self.direction is Direction.ISSUED and len(self.counterparts) > _MAX_COUNTERPARTS_ISSUED:
            raise QueryParametersError(
                f"{len(self.counterparts)} receiver RFCs given: SAT takes at most "
                f"{_MAX_COUNTERPARTS_ISSUED} per request. Split them over several requests."
            )
        if self.direction is Direction.RECEIVED and len(self.counterparts) > 1:
            raise QueryParametersError(
                f"{len(self.counterparts)} issuer RFCs given: a request for received documents takes at "
                "most one issuer. Split them over several requests."
            )
        what = "The receiver RFC" if self.direction is Direction.ISSUED else "The issuer RFC"
        self._set("counterparts", tuple(_rfc(rfc, what) for rfc in self.counterparts))

    def _check_complement(self) -> None:
        if self.complement is None:
            return
        code = self.complement.strip().lower()
        known = CFDI_COMPLEMENTS if self.service is Service.CFDI else RETENCIONES_COMPLEMENTS
        if code not in known:
            raise QueryParametersError(
                f"{self.complement!r} is not one of SAT's {self.service.value} complement codes; use one of: "
                + ", ".join(sorted(known))
                + "."
            )
        self._set("complement", code)
