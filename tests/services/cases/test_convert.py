"""Proto conversions: every enum member maps both ways; messages round-trip."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest
from warden.cases.v1 import cases_pb2 as pb

from services.cases import convert as cv
from services.cases.convert_sar import sar_content_from_proto
from services.cases.core.model import HitVerdict, Outcome
from services.common.errors import InvalidArgument
from tests.services.cases.core.sar.samples import CONTENT
from tests.services.cases.factory import ring_alert, screening_alert

TABLES: dict[str, Mapping[int, StrEnum]] = {
    "AlertSource": cv.ALERT_SOURCES,
    "SubjectKind": cv.SUBJECT_KINDS,
    "Severity": cv.SEVERITIES,
    "CaseKind": cv.CASE_KINDS,
    "CaseStatus": cv.STATUSES,
    "Outcome": cv.OUTCOMES,
    "HitVerdict": cv.VERDICTS,
    "SlaState": cv.SLA_STATES,
    "SubjectStanding": cv.STANDINGS,
    "Role": cv.ROLES,
    "SarStatus": cv.SAR_STATUSES,
    "SarFormat": cv.SAR_FORMATS,
    "SarPartyType": cv.PARTY_TYPES,
    "SarIdKind": cv.ID_KINDS,
}
# Domain members deliberately without a proto value of their own (they are the proto's zero).
ZERO = {HitVerdict.PENDING}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_enum_member_maps_both_ways(name: str) -> None:
    table = TABLES[name]
    domain: type[StrEnum] = type(next(iter(table.values())))
    proto_numbers = {v.number for v in pb.DESCRIPTOR.enum_types_by_name[name].values if v.number}
    assert set(table) == proto_numbers
    for member in domain:
        number = cv.to_number(table, member)
        assert (number == 0) == (member in ZERO)
        if number:
            assert table[number] is member


def test_outcome_has_no_sar_value_on_the_wire_either() -> None:
    assert not [
        v.name for v in pb.DESCRIPTOR.enum_types_by_name["Outcome"].values if "SAR" in v.name
    ]
    assert cv.to_number(cv.OUTCOMES, None) == 0
    assert cv.OUTCOMES[pb.OUTCOME_ESCALATED] is Outcome.ESCALATED


@pytest.mark.parametrize("alert", [screening_alert(), ring_alert()])
def test_alerts_round_trip(alert: object) -> None:
    assert cv.alert_from_proto(cv.alert_to_proto(alert)) == alert  # type: ignore[arg-type]


def test_sar_content_round_trips() -> None:
    assert sar_content_from_proto(cv.sar_content_to_proto(CONTENT)) == CONTENT


def test_bad_sar_content_names_every_field() -> None:
    message = cv.sar_content_to_proto(CONTENT)
    message.activity_from = "yesterday"
    message.subjects[0].party_type = pb.SAR_PARTY_TYPE_UNSPECIFIED
    message.transactions[1].amount_local = "NaN"
    message.accounts[0].opened = "2024-13-01"
    with pytest.raises(InvalidArgument) as refused:
        sar_content_from_proto(message)
    assert [v.field for v in refused.value.violations] == [
        "content.subjects[0].party_type",
        "content.activity_from",
        "content.accounts[0].opened",
        "content.transactions[1].amount_local",
    ]
