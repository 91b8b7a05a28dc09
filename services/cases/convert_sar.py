"""Inbound SAR content (the console's edits): warden.cases.v1.SarContent -> SarContent.

Every bad field is named with its path ("content.transactions[2].amount") and all are reported
together, so a drafter fixes the form in one go.
"""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal, InvalidOperation

from warden.cases.v1 import cases_pb2 as pb

from services.cases.convert import ID_KINDS, PARTY_TYPES, Fields
from services.cases.core.sar.model import (
    SarAccount,
    SarAddress,
    SarContent,
    SarIdentification,
    SarSubject,
    SarTransaction,
)

MAX_ITEMS = 1_000


def sar_content_from_proto(message: pb.SarContent, field: str = "content") -> SarContent:
    fields = Fields()
    if max(len(message.subjects), len(message.accounts), len(message.transactions)) > MAX_ITEMS:
        fields.bad(field, f"at most {MAX_ITEMS} subjects, accounts or transactions")
        fields.check("SAR content")
    content = SarContent(
        case_id=message.case_id,
        subjects=tuple(
            _subject(fields, s, f"{field}.subjects[{i}]") for i, s in enumerate(message.subjects)
        ),
        narrative=message.narrative,
        activity_from=_date(fields, message.activity_from, f"{field}.activity_from") or date.min,
        activity_to=_date(fields, message.activity_to, f"{field}.activity_to", optional=True),
        typologies=tuple(message.typologies),
        accounts=tuple(
            _account(fields, a, f"{field}.accounts[{i}]") for i, a in enumerate(message.accounts)
        ),
        transactions=tuple(
            _transaction(fields, t, f"{field}.transactions[{i}]")
            for i, t in enumerate(message.transactions)
        ),
        action_taken=message.action_taken,
    )
    fields.check("SAR content")
    return content


def _date(fields: Fields, text: str, field: str, *, optional: bool = False) -> date | None:
    if not text:
        if not optional:
            fields.bad(field, "required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fields.bad(field, "must be a date YYYY-MM-DD")
        return None


def _decimal(fields: Fields, text: str, field: str, *, optional: bool = False) -> Decimal | None:
    if not text and optional:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        fields.bad(field, "must be a decimal number such as 9500.00")
        return None
    if not value.is_finite():
        fields.bad(field, "must be a finite number")
        return None
    return value


def _subject(fields: Fields, s: pb.SarSubject, field: str) -> SarSubject:
    address = None
    if s.HasField("address"):
        a = s.address
        address = SarAddress(a.street, a.city, a.country, a.postal_code, a.state)
    return SarSubject(
        ref=s.ref,
        party_type=fields.enum(PARTY_TYPES, s.party_type, f"{field}.party_type"),
        first_name=s.first_name,
        last_name=s.last_name,
        middle_name=s.middle_name,
        entity_name=s.entity_name,
        birth_date=_date(fields, s.birth_date, f"{field}.birth_date", optional=True),
        gender=s.gender,
        nationality=s.nationality,
        occupation=s.occupation,
        address=address,
        identifications=tuple(
            SarIdentification(
                fields.enum(ID_KINDS, i.kind, f"{field}.identifications[{n}].kind"),
                i.number,
                i.issuing_country,
            )
            for n, i in enumerate(s.identifications)
        ),
        aliases=tuple(s.aliases),
    )


def _account(fields: Fields, a: pb.SarAccount, field: str) -> SarAccount:
    return SarAccount(
        number=a.number,
        holder_ref=a.holder_ref,
        institution_name=a.institution_name,
        institution_code=a.institution_code,
        currency=a.currency,
        own_institution=a.own_institution,
        country=a.country,
        opened=_date(fields, a.opened, f"{field}.opened", optional=True),
    )


def _transaction(fields: Fields, t: pb.SarTransaction, field: str) -> SarTransaction:
    if not t.HasField("at"):
        fields.bad(f"{field}.at", "required")
    return SarTransaction(
        reference=t.reference,
        at=t.at.ToDatetime(tzinfo=UTC),
        amount=_decimal(fields, t.amount, f"{field}.amount") or Decimal(0),
        currency=t.currency,
        from_account=t.from_account,
        to_account=t.to_account,
        description=t.description,
        amount_local=_decimal(fields, t.amount_local, f"{field}.amount_local", optional=True),
    )
