"""Who issues and receives: configured taxpayers, synthetic counterparts, employees, PACs.

Names carry what real names carry and parsers must survive: `Ñ` and accents, `&`, double quotes, and a
few with a line break inside (which SAT's metadata then splits across two physical lines).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from ._draw import digest, draw

__all__ = [
    "GENERAL_PUBLIC_RFC",
    "PACS",
    "Party",
    "certificate_for",
    "counterpart",
    "employee",
    "foreign_party",
    "general_public",
    "seal",
    "taxpayer",
]

GENERAL_PUBLIC_RFC = "XAXX010101000"

# Real PAC RFCs seen in public stamps: the stamp's RfcProvCertif.
PACS = ("SAT970701NN3", "TBN040609RKA", "CVD110412TF6", "DCD090706E42", "SNF171020F3A", "LSO1306189R5")

_COMPANY_WORDS = (
    "COMERCIALIZADORA",
    "DISTRIBUIDORA",
    "SERVICIOS INTEGRALES",
    "CONSTRUCTORA",
    "ABARROTES",
    "TRANSPORTES",
    "FERRETERÍA",
    "LABORATORIOS",
    "CONSULTORÍA",
    "IMPORTADORA",
)
_COMPANY_NAMES = (
    "PEÑA",
    "MUÑOZ",
    "DEL NORTE",
    "DEL BAJÍO",
    "LA ESPAÑOLA",
    "ACEVES",
    "IBARRA",
    "CASTAÑEDA",
    "ORTIZ",
    "LOS ÁLAMOS",
    "QUIÑONES",
    "SOLÍS",
)
_SUFFIXES = ("SA DE CV", "S DE RL DE CV", "SAPI DE CV", "SC", "SA")
_GIVEN = ("JOSÉ", "MARÍA", "JUAN", "GUADALUPE", "FRANCISCO", "ANA", "LUIS", "ROSA", "IÑAKI", "NOÉ")
_FAMILY = ("HERNÁNDEZ", "GARCÍA", "MARTÍNEZ", "LÓPEZ", "NÚÑEZ", "MUÑOZ", "PEÑA", "YÁÑEZ", "ORDÓÑEZ", "RUIZ")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_HOMOCLAVE = "ABCDEFGHJKLMNPQRSTUVWXYZ123456789"
_POSTAL_CODES = ("01000", "03810", "06600", "11529", "44100", "52000", "64000", "76802", "80290", "97170")


@dataclass(frozen=True, slots=True)
class Party:
    """An issuer or receiver as the CFDI and the metadata write it."""

    rfc: str
    name: str
    regime: str
    postal_code: str

    @property
    def is_person(self) -> bool:
        return len(self.rfc) == 13


def _rfc(seed: int, person: bool, *key: object) -> str:
    value = draw(seed, "rfc", *key)
    letters = "".join(_LETTERS[(value >> (5 * i)) % 26] for i in range(4 if person else 3))
    # A few RFCs carry the characters that break naive code: `Ñ` and `&` are legal in an RFC.
    if value % 97 == 0:
        letters = letters[:1] + "Ñ" + letters[2:]
    elif value % 89 == 0:
        letters = letters[:1] + "&" + letters[2:]
    year, month, day = 50 + (value >> 20) % 50, 1 + (value >> 26) % 12, 1 + (value >> 30) % 28
    homoclave = "".join(_HOMOCLAVE[(value >> (36 + 5 * i)) % len(_HOMOCLAVE)] for i in range(3))
    return f"{letters}{year:02d}{month:02d}{day:02d}{homoclave}"


def _company_name(value: int) -> str:
    kind = value % 40
    word = _COMPANY_WORDS[(value >> 8) % len(_COMPANY_WORDS)]
    name = _COMPANY_NAMES[(value >> 16) % len(_COMPANY_NAMES)]
    suffix = _SUFFIXES[(value >> 24) % len(_SUFFIXES)]
    if kind == 0:
        return f'{word} "{name}"'  # the literal quote SAT keeps in metadata
    if kind == 1:
        return f"{name} & {_COMPANY_NAMES[(value >> 32) % len(_COMPANY_NAMES)]} {suffix}"
    if kind == 2:
        return f"{word}\n{name}"  # a line break typed into the name
    return f"{word} {name}"


def _person_name(value: int) -> str:
    given = _GIVEN[value % len(_GIVEN)]
    first = _FAMILY[(value >> 8) % len(_FAMILY)]
    second = _FAMILY[(value >> 16) % len(_FAMILY)]
    return f"{given} {first} {second}"


@lru_cache(maxsize=4096)
def counterpart(seed: int, pool_index: int) -> Party:
    """One of the synthetic businesses and people that trade with the configured taxpayers."""
    value = draw(seed, "counterpart", pool_index)
    person = value % 5 == 0
    return Party(
        rfc=_rfc(seed, person, "counterpart", pool_index),
        name=_person_name(value >> 3) if person else _company_name(value >> 3),
        regime="612" if person else ("601", "626", "603")[(value >> 50) % 3],
        postal_code=_POSTAL_CODES[(value >> 40) % len(_POSTAL_CODES)],
    )


@lru_cache(maxsize=4096)
def foreign_party(seed: int, pool_index: int) -> Party:
    """A foreign resident: SAT's generic foreign RFC, a name, no Mexican postal code."""
    value = draw(seed, "foreign", pool_index)
    names = ("ACME HOLDINGS LLC", "NORDIC DATA AB", "O'BRIEN & SONS LTD", "SOCIÉTÉ GÉNÉRALE DE CONSEIL")
    return Party(rfc="XEXX010101000", name=names[value % len(names)], regime="", postal_code="")


@lru_cache(maxsize=64)
def general_public(postal_code: str) -> Party:
    """SAT's generic receiver of a global invoice: its address is the issuer's LugarExpedicion."""
    return Party(rfc=GENERAL_PUBLIC_RFC, name="PUBLICO EN GENERAL", regime="616", postal_code=postal_code)


@lru_cache(maxsize=4096)
def employee(seed: int, employer_rfc: str, number: int) -> Party:
    value = draw(seed, "employee", employer_rfc, number)
    return Party(
        rfc=_rfc(seed, True, "employee", employer_rfc, number),
        name=_person_name(value),
        regime="605",
        postal_code=_POSTAL_CODES[(value >> 40) % len(_POSTAL_CODES)],
    )


@lru_cache(maxsize=256)
def taxpayer(seed: int, rfc: str) -> Party:
    """A configured taxpayer: its name is made up too, but stays the same for the same seed."""
    value = draw(seed, "taxpayer", rfc)
    person = len(rfc) == 13
    name = _person_name(value) if person else _company_name(value | 0xFF) + " " + _SUFFIXES[value % 5]
    return Party(
        rfc=rfc,
        name=name.replace("\n", " "),
        regime="612" if person else "601",
        postal_code=_POSTAL_CODES[value % len(_POSTAL_CODES)],
    )


@lru_cache(maxsize=1024)
def certificate_for(rfc: str) -> tuple[str, str]:
    """A (NoCertificado, Certificado) pair of realistic shape: 20 digits and ~2 KB of base64 DER-like
    bytes. Not a real certificate: the corpus signs nothing, it only has to weigh what real files weigh."""
    number = "0000100000" + str(int.from_bytes(digest(0, "cert-no", rfc, size=8), "big"))[:10].rjust(10, "0")
    body = b"".join(digest(0, "cert", rfc, block, size=64) for block in range(24))
    return number, base64.b64encode(b"\x30\x82\x06\x39" + body).decode()


def seal(*key: object) -> str:
    """A 344-character base64 value shaped like an RSA-2048 Sello."""
    return base64.b64encode(hashlib.shake_256("|".join(map(str, key)).encode()).digest(256)).decode()
