"""Render a SAR as a goAML 5.0.2 report (UNODC's format, used by 60+ FIUs).

A report with transactions becomes an STR: one bi-party `transaction` per transfer, from one
account to another, plus an `activity` block naming every subject. Without transactions it is a
SAR (`activity` only). Codes come from the FIU profile; the XSD decides whether they are valid.

Known simplification: accounts are reported with the generic `t_account` type even when held
with the reporting bank. goAML's `*_my_client` types demand full KYC (opening date, status,
branch, every signatory's identity documents...) that case management does not hold; an FIU
that insists on them needs those fields added to `SarAccount` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from services.cases.core.sar.model import (
    IdKind,
    PartyType,
    SarAccount,
    SarAddress,
    SarContent,
    SarSubject,
    SarTransaction,
)
from services.cases.core.sar.profiles import GoAmlProfile
from services.cases.core.sar.xmltext import goaml_name, money, sql_datetime, sub, to_bytes

UNKNOWN = "-"  # goAML's "unknown" member of every code list


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What identifies one rendering: our reference for the report, and when it is submitted."""

    reference: str
    submitted_at: datetime


def render_goaml(content: SarContent, profile: GoAmlProfile, meta: ReportMeta) -> bytes:
    """The goAML XML document (UTF-8 bytes) of a SAR; validate it with `schemas.validate`."""
    report = ET.Element("report")
    _header(report, content, profile, meta)
    for transaction in content.transactions:
        _transaction(sub(report, "transaction"), transaction, content, profile)
    _activity(sub(report, "activity"), content)
    indicators = sub(report, "report_indicators")
    for code in profile.indicators_for(content.typologies):
        sub(indicators, "indicator", code)
    return to_bytes(report)


def _header(
    report: ET.Element, content: SarContent, profile: GoAmlProfile, meta: ReportMeta
) -> None:
    sub(report, "rentity_id", str(profile.rentity_id))
    if profile.rentity_branch:
        sub(report, "rentity_branch", profile.rentity_branch)
    sub(report, "submission_code", profile.submission_code)
    code = (
        profile.report_code_transactions if content.transactions else profile.report_code_activity
    )
    sub(report, "report_code", code)
    sub(report, "entity_reference", meta.reference)
    sub(report, "submission_date", sql_datetime(meta.submitted_at))
    sub(report, "currency_code_local", profile.currency_code_local)
    _address(sub(report, "location"), profile.institution.address, "BU")
    # Not trimmed: a narrative over goAML's 8,000 characters must be refused, not cut short.
    sub(report, "reason", content.narrative)
    if content.action_taken:
        sub(report, "action", content.action_taken)


def _address(parent: ET.Element, address: SarAddress, kind: str) -> None:
    sub(parent, "address_type", kind)
    sub(parent, "address", address.street)
    sub(parent, "city", address.city)
    if address.postal_code:
        sub(parent, "zip", address.postal_code)
    sub(parent, "country_code", address.country or UNKNOWN)
    sub(parent, "state", address.state or UNKNOWN)


def _transaction(
    node: ET.Element, tx: SarTransaction, content: SarContent, profile: GoAmlProfile
) -> None:
    sub(node, "transactionnumber", tx.reference)
    sub(node, "transaction_location", profile.transaction_location)
    sub(node, "transaction_description", tx.description)
    sub(node, "date_transaction", sql_datetime(tx.at))
    sub(node, "transmode_code", profile.transmode_code)
    sub(node, "transmode_comment", UNKNOWN)
    sub(node, "amount_local", money(tx.amount_in(profile.currency_code_local)))
    for side, number in (("from", tx.from_account), ("to", tx.to_account)):
        party = sub(node, f"t_{side}")
        sub(party, f"{side}_funds_code", profile.funds_code)
        account = content.account(number)
        assert account is not None  # checked by validate_content before rendering
        _account(sub(party, f"{side}_account"), account, content)
        sub(party, f"{side}_country", account.country or profile.institution.country)


def _account(node: ET.Element, account: SarAccount, content: SarContent) -> None:
    sub(node, "institution_name", account.institution_name)
    if len(account.institution_code) in (8, 11) and account.institution_code.isalnum():
        sub(node, "swift", account.institution_code)
    else:
        sub(node, "institution_code", account.institution_code)
    sub(node, "account", account.number)
    sub(node, "currency_code", account.currency)
    holder = content.subject(account.holder_ref)
    sub(node, "account_name", goaml_name(holder.display_name if holder else account.number))
    if holder is not None and holder.party_type is PartyType.ENTITY:
        _entity(sub(node, "t_entity"), holder)
    elif holder is not None:
        signatory = sub(node, "signatory")
        sub(signatory, "is_primary", "1")
        _person(sub(signatory, "t_person"), holder)
    if account.opened is not None:
        sub(node, "opened", sql_datetime(account.opened))


def _person(node: ET.Element, person: SarSubject) -> None:
    if person.gender in ("M", "F"):
        sub(node, "gender", person.gender)
    sub(node, "first_name", goaml_name(person.first_name) or UNKNOWN)
    if person.middle_name:
        sub(node, "middle_name", goaml_name(person.middle_name))
    sub(node, "last_name", goaml_name(person.last_name) or UNKNOWN)
    if person.birth_date is not None:
        sub(node, "birthdate", sql_datetime(person.birth_date))
    if person.aliases:
        sub(node, "alias", goaml_name(person.aliases[0]))
    passport = next((i for i in person.identifications if i.kind is IdKind.PASSPORT), None)
    if passport is not None:
        sub(node, "passport_number", passport.number)
        sub(node, "passport_country", passport.issuing_country or UNKNOWN)
    national = next((i for i in person.identifications if i.kind is IdKind.NATIONAL_ID), None)
    if national is not None:
        sub(node, "id_number", national.number)
    if person.nationality:
        sub(node, "nationality1", person.nationality)
    if person.address is not None:
        _address(sub(sub(node, "addresses"), "address"), person.address, "PRIVT")
    if person.occupation:
        sub(node, "occupation", person.occupation)


def _entity(node: ET.Element, entity: SarSubject) -> None:
    sub(node, "name", entity.entity_name)
    registration = next((i for i in entity.identifications if i.kind is IdKind.REGISTRATION), None)
    if registration is not None:
        sub(node, "incorporation_number", registration.number)
    if entity.address is not None:
        _address(sub(sub(node, "addresses"), "address"), entity.address, "BU")
    if entity.nationality:
        sub(node, "incorporation_country_code", entity.nationality)


def _activity(node: ET.Element, content: SarContent) -> None:
    parties = sub(node, "report_parties")
    for subject in content.subjects:
        party = sub(parties, "report_party")
        if subject.party_type is PartyType.ENTITY:
            _entity(sub(party, "entity"), subject)
        else:
            _person(sub(party, "person"), subject)
        sub(party, "reason", f"Subject of case {content.case_id}")
