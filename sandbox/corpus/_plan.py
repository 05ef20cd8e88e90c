"""The corpus plan: which documents exist, and the cheap facts about each (no amounts, no XML).

A document is identified by a `DocumentKey`: its family, the configured taxpayer whose stream it belongs
to, whether that taxpayer issued it or received it from a synthetic counterpart, its month, and its index
in that month. Each month of a stream holds `count` documents; document `index` is issued in the
`index`-th slice of the month, so a time range is an index range.

Within a stream-month, documents are dealt into *groups* of twenty *roles*, shuffled across the month by
an affine permutation. A role fixes the document's kind, and documents that refer to each other share
their group number across months, which is what makes references regenerable without search:

| role | document |
|---|---|
| 0–4, 16–17 | I, paid at once (PUE); with several configured RFCs, issued 16–17 go to another of them; |
| | half of issued role 4 are global invoices to the general public (InformacionGlobal) |
| 5 | I, paid later (PPD), in MXN; paid by role 6 of the next two months in two parcialidades |
| 6 | P (Pagos 2.0): parcialidad 1 of role 5 of last month and parcialidad 2 of role 5 two months ago |
| 7 | I, which role 8 of the next month credits |
| 8 | E, credit note related (TipoRelacion 01) to role 7 of last month |
| 9 | N (Nómina 1.2) on issued streams; an I with IEPS on received streams |
| 10 | I, cancelled, substituted (TipoRelacion 04) by role 11 of next month, the day that one was issued |
| 11 | I substituting role 10 of last month |
| 12 | T (traslado) |
| 13 | I with ImpuestosLocales |
| 14 | I for professional services, with ISR and IVA withheld |
| 15 | I with IEPS |
| 18 | I with one line issued on behalf of a third party (ACuentaTerceros) |
| 19 | I as CFDI 3.3 |

Documents of roles 0–4 and 13–19 are cancelled at random (3%), some in a later month.

Retenciones use the same slots only for roles 16–17: with several configured RFCs, those issued go to
another configured RFC too. Any Retenciones document is cancelled at random (3%).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from ._calendar import Month, months_between
from ._draw import digest, draw
from ._parties import PACS, Party, counterpart, employee, foreign_party, general_public, taxpayer

__all__ = [
    "FOREIGN_RETENTION",
    "GROUP",
    "POOL_SIZE",
    "RETENTION_KINDS",
    "DocumentKey",
    "Family",
    "Header",
    "Origin",
    "Plan",
]

Family = Literal["cfdi", "retenciones"]
Origin = Literal["issued", "received"]

GROUP = 20
POOL_SIZE = 400
CROSS_ROLES = (16, 17)
_PLAIN_ROLES = frozenset({0, 1, 2, 3, 4, 13, 14, 15, 16, 17, 18, 19})
_PAYLOAD_BITS = 50
RETENTION_KINDS = 5
FOREIGN_RETENTION = 3  # paid to a foreign resident: only on issued streams, the receiver has no RFC


@dataclass(frozen=True, order=True, slots=True)
class DocumentKey:
    family: Family
    rfc_index: int
    origin: Origin
    month: Month
    index: int


@dataclass(frozen=True, slots=True)
class Header:
    """What counting and filtering need, computed from the key with one hash."""

    key: DocumentKey
    uuid: str  # canonical upper-case
    role: int
    group: int
    tipo: str  # I, E, T, N, P; "" for Retenciones
    version: str
    fecha: datetime
    stamped: datetime
    issuer: Party
    receiver: Party
    cancelled_at: datetime | None
    third_party: bool
    complement: str | None
    bits: int  # the document's hash, for the renderer's further cheap choices
    retention_kind: int = 0  # Retenciones: which withholding it records (an index into their kinds)

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def pac(self) -> str:
        """The RFC of the PAC that stamped it."""
        return PACS[self.bits % len(PACS)]


class Plan:
    """The documents of a corpus and their headers; see the module docstring for the layout."""

    def __init__(
        self,
        seed: int,
        rfcs: tuple[str, ...],
        per_month: dict[Family, int],
        first_month: Month | None,
        last_month: Month | None,
    ) -> None:
        self.seed = seed
        self.rfcs = rfcs
        self.per_month = per_month
        self.first_month = first_month
        self.last_month = last_month
        self._mask = int.from_bytes(digest(seed, "uuid-mask", size=8), "big") & ((1 << _PAYLOAD_BITS) - 1)
        self._multipliers: dict[int, tuple[int, int]] = {}
        self._offsets: dict[tuple[str, int, str, int], int] = {}

    # -- existence ------------------------------------------------------------------------------
    def has_month(self, month: Month) -> bool:
        if self.first_month is not None and month < self.first_month:
            return False
        return self.last_month is None or month <= self.last_month

    def exists(self, key: DocumentKey) -> bool:
        return (
            0 <= key.rfc_index < len(self.rfcs)
            and self.has_month(key.month)
            and 0 <= key.index < self.per_month[key.family]
        )

    # -- layout ---------------------------------------------------------------------------------
    def _multiplier(self, count: int) -> tuple[int, int]:
        """A multiplier coprime with `count` near count / golden ratio, which spreads consecutive slots
        evenly across the month, and its inverse modulo `count`."""
        cached = self._multipliers.get(count)
        if cached is None:
            multiplier = max(1, int(count * 0.6180339887))
            while math.gcd(multiplier, count) != 1:
                multiplier += 1
            cached = (multiplier % count, pow(multiplier, -1, count)) if count > 1 else (0, 0)
            self._multipliers[count] = cached
        return cached

    def _offset(self, family: Family, rfc_index: int, origin: Origin, month: Month, count: int) -> int:
        cache_key = (family, rfc_index, origin, month.ordinal)
        offset = self._offsets.get(cache_key)
        if offset is None:
            offset = draw(self.seed, "offset", family, rfc_index, origin, month.ordinal) % count
            if len(self._offsets) > 100_000:
                self._offsets.clear()
            self._offsets[cache_key] = offset
        return offset

    def index_of(self, family: Family, rfc_index: int, origin: Origin, month: Month, slot: int) -> int:
        count = self.per_month[family]
        multiplier, _ = self._multiplier(count)
        return (multiplier * slot + self._offset(family, rfc_index, origin, month, count)) % count

    def slot_of(self, key: DocumentKey) -> int:
        count = self.per_month[key.family]
        _, inverse = self._multiplier(count)
        offset = self._offset(key.family, key.rfc_index, key.origin, key.month, count)
        return ((key.index - offset) * inverse) % count

    def key_at(self, family: Family, rfc_index: int, origin: Origin, month: Month, slot: int) -> DocumentKey:
        return DocumentKey(
            family, rfc_index, origin, month, self.index_of(family, rfc_index, origin, month, slot)
        )

    def cross_target(self, rfc_index: int, group: int, role: int) -> int | None:
        """The configured RFC that receives an issued document of a cross role, if any."""
        if len(self.rfcs) < 2 or role not in CROSS_ROLES:
            return None
        others = [i for i in range(len(self.rfcs)) if i != rfc_index]
        return others[(group + role) % len(others)]

    # -- UUIDs ----------------------------------------------------------------------------------
    def uuid_of(self, key: DocumentKey) -> str:
        payload = (
            (0 if key.family == "cfdi" else 1)
            | (0 if key.origin == "issued" else 1) << 1
            | key.rfc_index << 2
            | key.month.ordinal << 10
            | key.index << 26
        ) ^ self._mask
        # The tag authenticates the payload; hiding the payload under a hash of the tag makes UUIDs of
        # neighbouring documents look unrelated, as real ones do.
        tag = int.from_bytes(digest(self.seed, "uuid-check", payload, size=9), "big")
        bits = tag << _PAYLOAD_BITS | (payload ^ self._veil(tag))  # 122 bits
        value = (
            (bits >> 74) << 80  # 48 bits
            | 4 << 76  # version 4
            | ((bits >> 62) & 0xFFF) << 64  # 12 bits
            | 0b10 << 62  # RFC 4122 variant
            | (bits & ((1 << 62) - 1))
        )
        text = f"{value:032X}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    @staticmethod
    def _veil(tag: int) -> int:
        # Any function of the tag alone will do; multiplying by a large odd constant spreads every bit.
        return ((tag * 0x9E3779B97F4A7C15) >> 17) & ((1 << _PAYLOAD_BITS) - 1)

    def key_of(self, uuid: str) -> DocumentKey | None:
        """The key a UUID of this corpus encodes, or None for a UUID the corpus never issued."""
        try:
            value = UUID(uuid).int
        except ValueError:
            return None
        bits = (value >> 80) << 74 | ((value >> 64) & 0xFFF) << 62 | (value & ((1 << 62) - 1))
        tag = bits >> _PAYLOAD_BITS
        payload = (bits & ((1 << _PAYLOAD_BITS) - 1)) ^ self._veil(tag)
        if int.from_bytes(digest(self.seed, "uuid-check", payload, size=9), "big") != tag:
            return None
        plain = payload ^ self._mask
        key = DocumentKey(
            family="cfdi" if plain & 1 == 0 else "retenciones",
            rfc_index=(plain >> 2) & 0xFF,
            origin="issued" if (plain >> 1) & 1 == 0 else "received",
            month=Month((plain >> 10) & 0xFFFF),
            index=plain >> 26,
        )
        return key if self.exists(key) else None

    # -- headers --------------------------------------------------------------------------------
    def header(self, key: DocumentKey) -> Header:
        bits = draw(self.seed, "doc", key.family, key.rfc_index, key.origin, key.month.ordinal, key.index)
        count = self.per_month[key.family]
        fecha = key.month.instant(key.index, count, (bits & 0xFFFF) / 65536)
        stamped = fecha + timedelta(seconds=5 + (bits >> 16) % 600)
        me = taxpayer(self.seed, self.rfcs[key.rfc_index])
        cancel_draw = (bits >> 26) & 0x3FF
        if key.family == "retenciones":
            return self._retencion_header(
                key, bits, me=me, fecha=fecha, stamped=stamped, cancel_draw=cancel_draw
            )
        group, role = divmod(self.slot_of(key), GROUP)
        tipo, version, complement = "I", "4.0", None
        cancelled_at: datetime | None = None
        has_before = self.has_month(key.month - 1)
        if role == 6 and (has_before or self.has_month(key.month - 2)):
            tipo, complement = "P", "pagos20"
        elif role == 8:
            tipo = "E"
        elif role == 9 and key.origin == "issued":
            tipo, complement = "N", "nomina12"
        elif role == 10:
            cancelled_at = self._substitution_cancel(key, group, stamped)
        elif role == 12:
            tipo = "T"
        elif role == 13:
            complement = "implocal"
        elif role == 19:
            version = "3.3"
            complement = "implocal" if bits >> 62 == 0 else None
        if role in _PLAIN_ROLES and cancel_draw < 31:
            cancelled_at = self._random_cancel(stamped, bits)
        other = self._counterpart(key, group, role, bits)
        return self._finish(
            key,
            bits,
            me,
            other,
            role=role,
            group=group,
            tipo=tipo,
            version=version,
            fecha=fecha,
            stamped=stamped,
            cancelled_at=cancelled_at,
            third_party=role == 18,
            complement=complement,
        )

    def _retencion_header(
        self, key: DocumentKey, bits: int, *, me: Party, fecha: datetime, stamped: datetime, cancel_draw: int
    ) -> Header:
        """Retenciones use the same slots as CFDI only to pick cross documents (roles 16-17); a payment
        to a foreign resident goes to a synthetic foreigner, never to a configured RFC."""
        group, role = divmod(self.slot_of(key), GROUP)
        target = self.cross_target(key.rfc_index, group, role) if key.origin == "issued" else None
        kind = bits % RETENTION_KINDS
        if kind == FOREIGN_RETENTION and (key.origin == "received" or target is not None):
            kind = 0
        pick = (bits >> 32) % POOL_SIZE
        if target is not None:
            other = taxpayer(self.seed, self.rfcs[target])
        elif kind == FOREIGN_RETENTION:
            other = foreign_party(self.seed, pick)
        else:
            other = counterpart(self.seed, pick)
        return self._finish(
            key,
            bits,
            me,
            other,
            role=role,
            group=group,
            tipo="",
            version="2.0",
            fecha=fecha,
            stamped=stamped,
            cancelled_at=self._random_cancel(stamped, bits) if cancel_draw < 31 else None,
            third_party=False,
            complement=None,
            retention_kind=kind,
        )

    def _finish(
        self,
        key: DocumentKey,
        bits: int,
        me: Party,
        other: Party,
        *,
        role: int,
        group: int,
        tipo: str,
        version: str,
        fecha: datetime,
        stamped: datetime,
        cancelled_at: datetime | None,
        third_party: bool,
        complement: str | None,
        retention_kind: int = 0,
    ) -> Header:
        issuer, receiver = (me, other) if key.origin == "issued" else (other, me)
        return Header(
            key=key,
            uuid=self.uuid_of(key),
            role=role,
            group=group,
            tipo=tipo,
            version=version,
            fecha=fecha,
            stamped=stamped,
            issuer=issuer,
            receiver=receiver,
            cancelled_at=cancelled_at,
            third_party=third_party,
            complement=complement,
            bits=bits,
            retention_kind=retention_kind,
        )

    def _counterpart(self, key: DocumentKey, group: int, role: int, bits: int) -> Party:
        target = self.cross_target(key.rfc_index, group, role) if key.origin == "issued" else None
        if target is not None:
            return taxpayer(self.seed, self.rfcs[target])
        if role == 9 and key.origin == "issued":
            return employee(self.seed, self.rfcs[key.rfc_index], group % 50)
        if role == 4 and key.origin == "issued" and bits >> 63:
            # Half of them: a global invoice of the month's sales to the general public.
            return general_public(taxpayer(self.seed, self.rfcs[key.rfc_index]).postal_code)
        if role in (5, 6, 7, 8, 10, 11):
            # Documents that refer to each other across months trade with the same counterpart.
            pick = draw(self.seed, "group-party", key.family, key.rfc_index, key.origin, group)
            return counterpart(self.seed, pick % POOL_SIZE)
        return counterpart(self.seed, (bits >> 32) % POOL_SIZE)

    @staticmethod
    def _random_cancel(stamped: datetime, bits: int) -> datetime:
        # From a few hours to about two months later: often in a later month than the document's.
        return stamped + timedelta(hours=3 + (bits >> 36) % (24 * 60))

    def _substitution_cancel(self, key: DocumentKey, group: int, stamped: datetime) -> datetime:
        """A substituted document is cancelled one hour after its substitute (next month) is stamped."""
        slot = group * GROUP + 11
        following = key.month + 1
        if slot < self.per_month["cfdi"] and self.has_month(following):
            substitute = self.header(self.key_at("cfdi", key.rfc_index, key.origin, following, slot))
            return substitute.stamped + timedelta(hours=1)
        return stamped + timedelta(days=3)

    def third_party(self, header: Header) -> Party | None:
        """On whose behalf a role-18 line was invoiced: a counterpart from the pool's second half."""
        if not header.third_party:
            return None
        party = counterpart(self.seed, POOL_SIZE + (header.bits >> 44) % POOL_SIZE)
        # The third-party file has no line-break quirk on record at SAT: keep its names on one line.
        return replace(party, name=party.name.replace("\n", " "))

    # -- enumeration ----------------------------------------------------------------------------
    def stream(
        self, family: Family, rfc_index: int, origin: Origin, start: datetime, end: datetime
    ) -> Iterator[Header]:
        """Headers of one stream issued within `[start, end]`, in time order."""
        count = self.per_month[family]
        for month in months_between(start, end):
            if count == 0 or not self.has_month(month):
                continue
            low = month.first_index_at_or_after(start, count)
            high = month.last_index_at_or_before(end, count)
            for index in range(low, high):
                header = self.header(DocumentKey(family, rfc_index, origin, month, index))
                if start <= header.fecha <= end:
                    yield header

    def cross_received(
        self, family: Family, receiver_index: int, start: datetime, end: datetime
    ) -> Iterator[Header]:
        """Documents other configured taxpayers issued to `receiver_index` within `[start, end]`."""
        count = self.per_month[family]
        for month in months_between(start, end):
            if count == 0 or not self.has_month(month):
                continue
            low = month.first_index_at_or_after(start, count)
            high = month.last_index_at_or_before(end, count)
            for issuer_index in range(len(self.rfcs)):
                for slot in self._cross_slots(issuer_index, receiver_index, count):
                    index = self.index_of(family, issuer_index, "issued", month, slot)
                    if low <= index < high:
                        header = self.header(DocumentKey(family, issuer_index, "issued", month, index))
                        if start <= header.fecha <= end:
                            yield header

    def _cross_slots(self, issuer_index: int, receiver_index: int, count: int) -> Iterator[int]:
        for group in range(-(-count // GROUP)):
            for role in CROSS_ROLES:
                slot = group * GROUP + role
                if slot < count and self.cross_target(issuer_index, group, role) == receiver_index:
                    yield slot
