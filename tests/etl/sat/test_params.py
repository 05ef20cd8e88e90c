from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from etl.sat import (
    Direction,
    DocumentStatus,
    DocumentType,
    QueryParameters,
    QueryParametersError,
    RequestType,
    Service,
)
from etl.sat._params import mexico_now

JAN = (datetime(2025, 1, 1), datetime(2025, 1, 31, 23, 59, 59))


def test_a_period_query_normalises_rfcs_and_makes_the_status_explicit() -> None:
    params = QueryParameters.issued(*JAN, receivers=("aaa010101aaa", " ÑAÑ010101A1B "))
    assert params.direction is Direction.ISSUED
    assert params.request_type is RequestType.METADATA
    assert params.counterparts == ("AAA010101AAA", "ÑAÑ010101A1B")
    assert params.document_status is DocumentStatus.TODOS


def test_rfcs_with_enye_and_ampersand_are_accepted() -> None:
    params = QueryParameters.received(*JAN, issuer="A&Ñ010101AB1", third_party_rfc="ÑÑÑÑ800101AB1")
    assert params.counterparts == ("A&Ñ010101AB1",)
    assert params.third_party_rfc == "ÑÑÑÑ800101AB1"


@pytest.mark.parametrize(
    "bad", ["AAA01010AAA", "AA010101AAA", "AAAAA010101AAA", "AAA0101O1AAA", "AAA-010101"]
)
def test_a_malformed_rfc_is_refused_naming_it(bad: str) -> None:
    with pytest.raises(QueryParametersError, match="is not an RFC"):
        QueryParameters.issued(*JAN, receivers=(bad,))


def test_the_start_must_be_strictly_before_the_end() -> None:
    with pytest.raises(QueryParametersError, match="strictly before the end"):
        QueryParameters.issued(JAN[1], JAN[0])
    with pytest.raises(QueryParametersError, match="strictly before the end"):
        QueryParameters.issued(JAN[0], JAN[0])


def test_a_period_older_than_six_years_is_refused() -> None:
    seven_years_ago = mexico_now().replace(microsecond=0) - timedelta(days=7 * 365)
    with pytest.raises(QueryParametersError, match="more than six years ago"):
        QueryParameters.issued(seven_years_ago, seven_years_ago + timedelta(days=1))
    almost_six = mexico_now().replace(microsecond=0) - timedelta(days=6 * 365 - 5)
    assert QueryParameters.issued(almost_six, almost_six + timedelta(days=1)).start == almost_six


def test_dates_with_a_zone_or_a_fraction_are_refused() -> None:
    with pytest.raises(QueryParametersError, match="time zone"):
        QueryParameters.issued(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))
    with pytest.raises(QueryParametersError, match="fraction of a second"):
        QueryParameters.issued(datetime(2025, 1, 1, 0, 0, 0, 5), datetime(2025, 1, 2))


def test_at_most_five_receivers_for_issued_and_one_issuer_for_received() -> None:
    five = tuple(f"AAA01010{i}AA{i}" for i in range(5))
    assert len(QueryParameters.issued(*JAN, receivers=five).counterparts) == 5
    with pytest.raises(QueryParametersError, match="at most 5"):
        QueryParameters.issued(*JAN, receivers=(*five, "BBB010101BBB"))
    with pytest.raises(QueryParametersError, match="at most one issuer"):
        QueryParameters(direction=Direction.RECEIVED, request_type=RequestType.METADATA, start=JAN[0],
                        end=JAN[1], counterparts=("AAA010101AAA", "BBB010101BBB"))  # fmt: skip


def test_received_xml_defaults_to_vigente_and_refuses_other_statuses() -> None:
    assert QueryParameters.received(*JAN, RequestType.XML).document_status is DocumentStatus.VIGENTE
    assert QueryParameters.received(*JAN).document_status is DocumentStatus.TODOS
    for status in (DocumentStatus.TODOS, DocumentStatus.CANCELADO):
        with pytest.raises(QueryParametersError, match="only for current \\(Vigente\\) documents"):
            QueryParameters.received(*JAN, RequestType.XML, document_status=status)
    cancelled_metadata = QueryParameters.received(*JAN, document_status=DocumentStatus.CANCELADO)
    assert cancelled_metadata.document_status is DocumentStatus.CANCELADO


def test_a_folio_query_takes_only_the_uuid_and_lower_cases_it() -> None:
    params = QueryParameters.by_uuid(" 4ABF0F69-8E7D-42BD-AC5F-787275EB52D2 ")
    assert params.folio == "4abf0f69-8e7d-42bd-ac5f-787275eb52d2"
    assert params.direction is None
    assert params.document_status is None
    with pytest.raises(QueryParametersError, match="nothing but the UUID; remove: start, end, document_type"):
        QueryParameters(folio=params.folio, start=JAN[0], end=JAN[1], document_type=DocumentType.INGRESO)
    with pytest.raises(QueryParametersError, match="is not a UUID"):
        QueryParameters.by_uuid("no-es-un-uuid")


def test_complements_must_come_from_the_services_own_list() -> None:
    assert QueryParameters.issued(*JAN, complement="Nomina12").complement == "nomina12"
    assert QueryParameters.issued(*JAN, complement="cartaporte31").complement == "cartaporte31"
    retenciones = QueryParameters.issued(*JAN, service=Service.RETENCIONES, complement="dividendos")
    assert retenciones.complement == "dividendos"
    with pytest.raises(QueryParametersError, match="not one of SAT's retenciones complement codes"):
        QueryParameters.issued(*JAN, service=Service.RETENCIONES, complement="nomina12")
    with pytest.raises(QueryParametersError, match="not one of SAT's cfdi complement codes"):
        QueryParameters.issued(*JAN, complement="nomina13")


def test_a_query_without_direction_or_folio_is_refused() -> None:
    with pytest.raises(QueryParametersError, match="issued or received"):
        QueryParameters(start=JAN[0], end=JAN[1])


def test_equal_parameters_are_equal_and_hashable() -> None:
    first = QueryParameters.issued(*JAN, receivers=("aaa010101aaa",))
    second = QueryParameters.issued(*JAN, receivers=("AAA010101AAA",))
    assert first == second
    assert hash(first) == hash(second)
