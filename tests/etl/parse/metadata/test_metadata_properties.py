"""Property: whatever names and amounts SAT writes, every record loads with its exact values and its line."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.parse.metadata import parse_metadata
from schemas.metadata import METADATA

HEADER = (
    "Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat"
    "~Monto~EfectoComprobante~Estatus~FechaCancelacion"
)
# Names as they come: accents, Ñ, &, quotes, and line breaks that split the record (never '~' or '|').
_NAME = st.text(alphabet=st.sampled_from('ABCÑÉ&"., \n'), min_size=1, max_size=20).filter(lambda s: s.strip())
_AMOUNT = st.decimals(min_value=Decimal("-999999"), max_value=Decimal("999999999999"), places=6)
_RECORD = st.tuples(
    st.uuids(),
    _NAME,
    _AMOUNT,
    st.sampled_from("IETNP"),
    st.booleans(),
    st.integers(min_value=0, max_value=10**8),
    st.booleans(),
)


# Plain records before the generated ones: with many, the few lines a split name leaves are looked
# up one by one; with few, the whole text is searched. Both must find the same records.
_PADDING = st.integers(min_value=0, max_value=120)


@settings(max_examples=60, deadline=None)
@given(
    records=st.lists(_RECORD, min_size=1, max_size=30, unique_by=lambda r: r[0]),
    final_crlf=st.booleans(),
    padding=_PADDING,
)
def test_every_record_loads_with_its_values_and_physical_line(
    records: list[tuple[object, str, Decimal, str, bool, int, bool]], final_crlf: bool, padding: int
) -> None:
    plain = [
        (UUID(f"0badcafe-0000-4000-8000-{i:012x}"), "PLANO", Decimal("1.000000"), "I", False, i, False)
        for i in range(padding)
    ]
    lines = [HEADER]
    expected = []
    physical = 2
    for uuid, name, amount, efecto, cancelled, seconds, upper in [*plain, *records]:
        emitted = datetime(2024, 1, 1) + timedelta(seconds=seconds)
        cancelled_at = emitted + timedelta(days=3) if cancelled else None
        written_uuid = str(uuid).upper() if upper else str(uuid)
        stamp = f"{emitted:%Y-%m-%d %H:%M:%S}"
        lines.append(
            f"{written_uuid}~AAA010101AAA~{name}~COSC8001137NA~RECEPTOR~SNF171020F3A~{stamp}"
            f"~{stamp}~{amount}~{efecto}~{0 if cancelled else 1}"
            f"~{'' if cancelled_at is None else f'{cancelled_at:%Y-%m-%d %H:%M:%S}'}"
        )
        expected.append(
            (
                str(uuid),
                name.replace("\n", ""),
                amount,
                efecto,
                "cancelado" if cancelled else "vigente",
                cancelled_at,
                physical,
            )
        )
        physical += 1 + name.count("\n")
    text = "\r\n".join(lines) + ("\r\n" if final_crlf else "")

    result = parse_metadata(text.encode(), "p.txt")

    METADATA.check(result.frame)
    assert result.rejects.is_empty()
    assert result.record_count == padding + len(records)
    got = result.frame.select(
        "uuid", "nombre_emisor", "monto", "efecto_comprobante", "estatus", "fecha_cancelacion", "numero_linea"
    ).rows()
    assert got == expected
