"""Render a SAR as a FinCEN SAR batch (EFL_SARXBatchSchema v1.2, one activity per batch).

FinCEN's schema wants at least six parties per activity: the transmitter (35) and its contact
(37), the filing institution (30), the contact for assistance (8), the transaction location
(34) and one or more subjects (33). Every element carries a `SeqNum` unique in the document.
Amounts are whole US dollars (FinCEN rounds up); the narrative goes in blocks of 4,000
characters, at most five, and a longer one is refused by the schema rather than cut.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import count
from xml.etree import ElementTree as ET

from services.cases.core.sar.goaml import ReportMeta
from services.cases.core.sar.model import IdKind, PartyType, SarAddress, SarContent, SarSubject
from services.cases.core.sar.profiles import FincenProfile, ReportingInstitution
from services.cases.core.sar.xmltext import single_line, to_bytes, xml_safe, yyyymmdd

NS = "www.fincen.gov/base"
NARRATIVE_BLOCK = 4000
_ID_CODES = {
    IdKind.PASSPORT: "6",
    IdKind.DRIVING_LICENCE: "5",
    IdKind.TAX_ID: "4",
}
ET.register_namespace("fc2", NS)


class _Doc:
    """Builds namespaced elements with document-wide unique sequence numbers."""

    def __init__(self) -> None:
        self._seq: Iterator[int] = count(1)

    def el(self, parent: ET.Element | None, tag: str, numbered: bool = True) -> ET.Element:
        attrs = {"SeqNum": str(next(self._seq))} if numbered else {}
        name = f"{{{NS}}}{tag}"
        return ET.Element(name, attrs) if parent is None else ET.SubElement(parent, name, attrs)

    def text(self, parent: ET.Element, tag: str, value: str) -> None:
        ET.SubElement(parent, f"{{{NS}}}{tag}").text = single_line(value)


def render_fincen(content: SarContent, profile: FincenProfile, meta: ReportMeta) -> bytes:
    """The FinCEN SAR batch XML (UTF-8 bytes) of a SAR; validate it with `schemas.validate`."""
    doc = _Doc()
    root = doc.el(None, "EFilingBatchXML", numbered=False)
    doc.text(root, "FormTypeCode", "SARX")
    activity = doc.el(root, "Activity")
    doc.text(activity, "FilingDateText", yyyymmdd(meta.submitted_at.date()))
    association = doc.el(activity, "ActivityAssociation")
    doc.text(association, "InitialReportIndicator", "Y")
    _institution_parties(doc, activity, profile)
    for subject in content.subjects:
        _subject(doc, activity, subject, content)
    total = _suspicious_activity(doc, activity, content, profile)
    _narrative(doc, activity, content.narrative)
    parties = len(activity.findall(f"{{{NS}}}Party"))
    root.attrib.update(
        TotalAmount=str(total),
        PartyCount=str(parties),
        ActivityCount="1",
        ActivityAttachmentCount="0",
        AttachmentCount="0",
    )
    return to_bytes(root)


def _institution_parties(doc: _Doc, activity: ET.Element, profile: FincenProfile) -> None:
    bank = profile.institution
    transmitter = _party(doc, activity, "35", bank.name)
    _address(doc, transmitter, bank.address)
    _phone(doc, transmitter, bank.contact_phone)
    _identification(doc, transmitter, "4", bank.tin)
    _identification(doc, transmitter, "28", profile.transmitter_control_code)
    _party(doc, activity, "37", bank.contact_office or bank.name)
    _regulated_party(doc, activity, "30", profile)
    contact = _party(doc, activity, "8", bank.contact_office or bank.name)
    _phone(doc, contact, bank.contact_phone)
    _regulated_party(doc, activity, "34", profile)


def _party(
    doc: _Doc, activity: ET.Element, code: str, legal_name: str, regulator: str = ""
) -> ET.Element:
    party = doc.el(activity, "Party")
    doc.text(party, "ActivityPartyTypeCode", code)
    if regulator:
        doc.text(party, "PrimaryRegulatorTypeCode", regulator)
    name = doc.el(party, "PartyName")
    doc.text(name, "PartyNameTypeCode", "L")
    doc.text(name, "RawPartyFullName", legal_name)
    return party


def _regulated_party(doc: _Doc, activity: ET.Element, code: str, profile: FincenProfile) -> None:
    bank: ReportingInstitution = profile.institution
    party = _party(doc, activity, code, bank.name, profile.primary_regulator_code)
    _address(doc, party, bank.address)
    _identification(doc, party, "2", bank.tin)
    classification = doc.el(party, "OrganizationClassificationTypeSubtype")
    doc.text(classification, "OrganizationTypeID", str(profile.institution_type_id))


def _address(doc: _Doc, party: ET.Element, address: SarAddress) -> None:
    node = doc.el(party, "Address")
    doc.text(node, "RawCityText", address.city)
    doc.text(node, "RawCountryCodeText", address.country)
    if address.state:
        doc.text(node, "RawStateCodeText", address.state)
    doc.text(node, "RawStreetAddress1Text", address.street)
    if address.postal_code:
        doc.text(node, "RawZIPCode", address.postal_code.replace("-", ""))


def _phone(doc: _Doc, party: ET.Element, number: str) -> None:
    if number:
        doc.text(doc.el(party, "PhoneNumber"), "PhoneNumberText", number)


def _identification(doc: _Doc, party: ET.Element, code: str, number: str, other: str = "") -> None:
    node = doc.el(party, "PartyIdentification")
    if other:
        doc.text(node, "OtherPartyIdentificationTypeText", other)
    doc.text(node, "PartyIdentificationNumberText", number)
    doc.text(node, "PartyIdentificationTypeCode", code)


def _subject(doc: _Doc, activity: ET.Element, subject: SarSubject, content: SarContent) -> None:
    party = doc.el(activity, "Party")
    doc.text(party, "ActivityPartyTypeCode", "33")
    person = subject.party_type is PartyType.PERSON
    if person and subject.birth_date is None:
        doc.text(party, "BirthDateUnknownIndicator", "Y")
    if person and subject.gender == "F":
        doc.text(party, "FemaleGenderIndicator", "Y")
    if person and subject.birth_date is not None:
        doc.text(party, "IndividualBirthDateText", yyyymmdd(subject.birth_date))
    if person and subject.gender == "M":
        doc.text(party, "MaleGenderIndicator", "Y")
    accounts = [a for a in content.accounts if a.holder_ref == subject.ref]
    if not accounts:
        doc.text(party, "NoKnownAccountInvolvedIndicator", "Y")
    if not person:
        doc.text(party, "PartyAsEntityOrganizationIndicator", "Y")
    if person and subject.gender not in ("M", "F"):
        doc.text(party, "UnknownGenderIndicator", "Y")
    _subject_names(doc, party, subject)
    if subject.address is not None:
        _address(doc, party, subject.address)
    for ident in subject.identifications:
        code = _ID_CODES.get(ident.kind, "999")
        _identification(doc, party, code, ident.number, "" if code != "999" else ident.kind.value)
    if subject.occupation:
        doc.text(
            doc.el(party, "PartyOccupationBusiness"), "OccupationBusinessText", subject.occupation
        )
    if accounts:
        _accounts(doc, party, [a.number for a in accounts])


def _subject_names(doc: _Doc, party: ET.Element, subject: SarSubject) -> None:
    name = doc.el(party, "PartyName")
    doc.text(name, "PartyNameTypeCode", "L")
    if subject.party_type is PartyType.ENTITY:
        doc.text(name, "RawEntityIndividualLastName", subject.entity_name)
    else:
        doc.text(name, "RawEntityIndividualLastName", subject.last_name)
        doc.text(name, "RawIndividualFirstName", subject.first_name)
        if subject.middle_name:
            doc.text(name, "RawIndividualMiddleName", subject.middle_name)
    for alias in subject.aliases:
        aka = doc.el(party, "PartyName")
        doc.text(aka, "PartyNameTypeCode", "AKA")
        doc.text(aka, "RawPartyFullName", alias)


def _accounts(doc: _Doc, party: ET.Element, numbers: list[str]) -> None:
    association = doc.el(party, "PartyAccountAssociation")
    doc.text(association, "PartyAccountAssociationTypeCode", "7")  # activity affected account
    institution = doc.el(association, "Party")
    doc.text(institution, "ActivityPartyTypeCode", "41")  # institution where account is held
    for number in numbers:
        account = doc.el(institution, "Account")
        doc.text(account, "AccountNumberText", number)
        held = doc.el(account, "PartyAccountAssociation")
        doc.text(held, "PartyAccountAssociationTypeCode", "5")


def _suspicious_activity(
    doc: _Doc, activity: ET.Element, content: SarContent, profile: FincenProfile
) -> int:
    node = doc.el(activity, "SuspiciousActivity")
    total = _whole_dollars(content)
    if total == 0:
        doc.text(node, "NoAmountInvolvedIndicator", "Y")
    doc.text(node, "SuspiciousActivityFromDateText", yyyymmdd(content.activity_from))
    to_date: date = content.activity_to or content.activity_from
    doc.text(node, "SuspiciousActivityToDateText", yyyymmdd(to_date))
    if total:
        doc.text(node, "TotalSuspiciousAmountText", str(total))
    for code in profile.activities_for(content.typologies):
        classification = doc.el(node, "SuspiciousActivityClassification")
        doc.text(classification, "SuspiciousActivitySubtypeID", str(code.subtype_id))
        doc.text(classification, "SuspiciousActivityTypeID", str(code.type_id))
    return total


def _whole_dollars(content: SarContent) -> int:
    amounts = (t.amount_in("USD") for t in content.transactions)
    return math.ceil(sum(amounts, Decimal(0)))


def _narrative(doc: _Doc, activity: ET.Element, narrative: str) -> None:
    text = xml_safe(narrative)
    blocks = [text[i : i + NARRATIVE_BLOCK] for i in range(0, len(text), NARRATIVE_BLOCK)] or [""]
    for number, block in enumerate(blocks, start=1):
        node = doc.el(activity, "ActivityNarrativeInformation")
        doc.text(node, "ActivityNarrativeSequenceNumber", str(number))
        ET.SubElement(node, f"{{{NS}}}ActivityNarrativeText").text = block
