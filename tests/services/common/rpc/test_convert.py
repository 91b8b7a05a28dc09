from __future__ import annotations

from datetime import date

import pytest
from warden.common.v1 import operation_pb2, party_pb2

from services.common.db import utcnow
from services.common.errors import InvalidArgument
from services.common.operations import Operation, OperationFailure, OperationState
from services.common.rpc.convert import operation_to_proto, party_from_proto, party_to_proto
from watchlists import model


def _party() -> model.Party:
    return model.Party(
        id="cust-1",
        schema=model.Schema.PERSON,
        names=(
            model.Name("Anna Maria ERIKSSON", given="Anna Maria", family="ERIKSSON"),
            model.Name("Анна Эрикссон", model.NameQuality.WEAK_ALIAS, script="Cyrl"),
        ),
        gender=model.Gender.FEMALE,
        birth_dates=(model.PartialDate(1974, 8, 12),),
        nationalities=("SE",),
        countries=("UA",),
        identifiers=(model.Identifier(model.IdentifierKind.PASSPORT, "L898902C3", "SE"),),
        addresses=(model.Address("1 Main St, Stockholm", city="Stockholm", country="SE"),),
        birth_places=("Uppsala",),
    )


def test_party_round_trips_through_the_wire() -> None:
    party = _party()
    assert party_from_proto(party_to_proto(party)) == party


def test_every_bad_field_is_reported_at_once() -> None:
    message = party_pb2.Party(
        names=[party_pb2.Name(full=""), party_pb2.Name(full="x" * 1001)],
        birth_dates=[
            party_pb2.PartialDate(year=1970, month=2, day=30),
            party_pb2.PartialDate(year=3000),
        ],
        nationalities=["Sweden"],
        identifiers=[party_pb2.Identifier(kind=party_pb2.IDENTIFIER_KIND_PASSPORT, value="")],
    )
    message.kind = 99  # type: ignore[assignment]  # an enum value from a newer client
    with pytest.raises(InvalidArgument) as caught:
        party_from_proto(message, field="applicant")
    fields = [v.field for v in caught.value.violations]
    assert fields == [
        "applicant.names[0].full",
        "applicant.names[1].full",
        "applicant.birth_dates[0]",
        "applicant.birth_dates[1]",
        "applicant.nationalities[0]",
        "applicant.identifiers[0].value",
        "applicant.kind",
    ]


def test_party_without_names_is_refused_and_lists_are_bounded() -> None:
    with pytest.raises(InvalidArgument, match="invalid party") as caught:
        party_from_proto(party_pb2.Party(nationalities=["SE"] * 51))
    assert {v.field for v in caught.value.violations} == {"party.names", "party.nationalities"}


def test_control_characters_are_refused_in_names_and_only_line_breaks_allowed_elsewhere() -> None:
    message = party_pb2.Party(
        names=[party_pb2.Name(full="Ivan Petrov\x00"), party_pb2.Name(full="Ivan\nPetrov")],
        birth_places=["Omsk\x1b[2J"],
        addresses=[party_pb2.Address(full="1 Lenina St\nOmsk")],
    )
    with pytest.raises(InvalidArgument) as caught:
        party_from_proto(message)
    assert [v.field for v in caught.value.violations] == [
        "party.names[0].full",
        "party.names[1].full",
        "party.birth_places[0]",
    ]
    assert {v.description for v in caught.value.violations} == {"contains control characters"}


def test_lower_case_countries_are_normalised() -> None:
    party = party_from_proto(
        party_pb2.Party(names=[party_pb2.Name(full="A B")], nationalities=["se"])
    )
    assert party.nationalities == ("SE",)


def test_operation_to_proto_packs_result_and_error() -> None:
    now = utcnow()
    base = Operation(
        id="op_1",
        kind="k",
        state=OperationState.SUCCEEDED,
        owner="o",
        request_id="r",
        input_sha256="",
        task_name="t",
        task_queue="default",
        task_kwargs={},
        created_at=now,
        updated_at=now,
        result_type="warden.common.v1.Reason",
        result=b"\n\x01X",
    )
    message = operation_to_proto(base)
    assert message.result.type_url == "type.googleapis.com/warden.common.v1.Reason"
    failed = operation_to_proto(
        Operation(
            **{
                **{f: getattr(base, f) for f in base.__slots__},
                "state": OperationState.FAILED,
                "result": None,
                "failure": OperationFailure(
                    "INVALID_ARGUMENT", "bad image", (("IMAGE_CORRUPT", "truncated"),)
                ),
            }
        )
    )
    assert failed.state == operation_pb2.OPERATION_STATE_FAILED
    assert (failed.error.code, failed.error.reasons[0].code) == (3, "IMAGE_CORRUPT")
    assert date.today().year >= 2024
