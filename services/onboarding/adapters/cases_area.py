"""Onboarding's ports over the case area's use cases (same deployment, no gRPC hop).

- `CaseStanding`: retention asks whether a subject has an open case (`subject_standing`:
  UNDER_REVIEW). That read model is all onboarding may learn, by design of the case area:
  it never reveals whether a SAR exists.
- `CaseAuditTrail`: onboarding's audit events go into the case area's hash-chained log.
- `CustomerDirectory`: the case area's `SubjectDirectory`, so SAR drafts start from the customer
  record (name, birth date, nationality, address, document). The case area's wiring decides
  to use it (see docs/onboarding/README.md, "For other areas").
"""

from __future__ import annotations

from services.cases.core.audit import AuditRecord
from services.cases.core.model import SubjectRef
from services.cases.core.readmodels import SubjectStanding
from services.cases.core.sar.model import (
    IdKind,
    PartyType,
    SarAddress,
    SarIdentification,
    SarSubject,
)
from services.cases.handlers import CaseDeps, subject_standing
from services.common.alerts import SubjectKind
from services.common.errors import NotFound
from services.onboarding.core.customer import CustomerRecord
from services.onboarding.ports import AuditEvent, CustomerStore

_ID_KINDS = {
    "passport": IdKind.PASSPORT,
    "id_card": IdKind.NATIONAL_ID,
    "driving_licence": IdKind.DRIVING_LICENCE,
}


def subject_ref(ref: str) -> SubjectRef | None:
    """ "customer:<id>" -> SubjectRef; None for a kind the case area does not know."""
    kind, _, subject_id = ref.partition(":")
    try:
        return SubjectRef(SubjectKind(kind), subject_id)
    except ValueError:
        return None


class CaseStanding:
    def __init__(self, cases: CaseDeps) -> None:
        self.cases = cases

    def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]:
        open_refs = set()
        for ref in subjects:
            parsed = subject_ref(ref)
            if parsed and subject_standing(parsed, self.cases) is SubjectStanding.UNDER_REVIEW:
                open_refs.add(ref)
        return frozenset(open_refs)


class CaseAuditTrail:
    durable = True

    def __init__(self, cases: CaseDeps) -> None:
        self.cases = cases

    def append(self, event: AuditEvent) -> None:
        record = AuditRecord(event.at, event.actor, event.action, event.target, event.details)
        self.cases.audit.append([record])


class CustomerDirectory:
    """Customer records as SAR subjects (a shredded customer has none left to give)."""

    def __init__(self, customers: CustomerStore) -> None:
        self.customers = customers

    def sar_subjects(self, subject: SubjectRef) -> tuple[SarSubject, ...]:
        if subject.kind is SubjectKind.ACCOUNT:
            owners = self.customers.owners_of(frozenset({subject.id}))
            return tuple(s for c in sorted(owners) for s in self._subject(c))
        if subject.kind is SubjectKind.CUSTOMER:
            return self._subject(subject.id)
        return ()

    def _subject(self, customer_id: str) -> tuple[SarSubject, ...]:
        try:
            record = self.customers.get(customer_id)
        except NotFound:
            return ()
        return () if record.personal is None else (sar_subject(record),)


def sar_subject(record: CustomerRecord) -> SarSubject:
    personal = record.personal
    assert personal is not None
    address, document = personal.address, personal.document
    occupation = record.risk_inputs.profile.occupation if record.risk_inputs else None
    return SarSubject(
        ref=record.id,
        party_type=PartyType.PERSON,
        first_name=personal.given_names,
        last_name=personal.family_name,
        birth_date=personal.birth_date,
        nationality=personal.nationality,
        occupation=occupation or "",
        address=SarAddress(
            street=address.street or address.full,
            city=address.city or "",
            country=address.country or personal.nationality,
            postal_code=address.postal_code or "",
            state=address.region or "",
        )
        if address
        else None,
        identifications=(
            SarIdentification(
                _ID_KINDS.get(document.kind, IdKind.OTHER),
                document.number,
                document.issuing_country,
            ),
        )
        if document
        else (),
    )
