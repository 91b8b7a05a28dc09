"""The customer record: who the customer is, how risky, when to review, what links to them.

The record is what ongoing screening monitors and what graph accounts link to. Its
`personal` data is PII: encrypted at rest under a per-customer data key (`services.onboarding
.pii`) and gone for good once the record is crypto-shredded at the end of retention, after
which only the non-personal skeleton (ids, dates, ratings) remains for the audit trail.

State changes are pure functions returning a new record; an illegal change is a
`FailedPrecondition` naming the current state.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.common.errors import FailedPrecondition, InvalidArgument
from services.onboarding.core.decision import Decision
from services.onboarding.core.policy import EddMeasure, EnhancedDueDiligence, Outcome
from services.onboarding.core.rerating import Rerating
from services.onboarding.core.risk import RatingInput, RiskRating
from watchlists.model import Address


class CustomerStatus(StrEnum):
    PENDING = "pending"  # onboarding decision PENDING_REVIEW: an officer decides
    ACTIVE = "active"  # relationship running
    REJECTED = "rejected"  # application turned down (retention clock runs from the decision)
    CLOSED = "closed"  # relationship ended (retention clock runs from the end)


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    kind: str  # "passport", "id_card", "residence_permit", ...
    number: str
    issuing_country: str
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class PersonalData:
    """The customer's PII as given at onboarding (and verified against the document)."""

    given_names: str
    family_name: str
    birth_date: date
    nationality: str
    address: Address | None = None
    document: IdentityDocument | None = None


@dataclass(frozen=True, slots=True)
class LegalHold:
    """Keeps a record past retention (litigation, a regulator's or a court's request)."""

    reference: str
    placed_by: str
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: str
    application_id: str
    status: CustomerStatus
    personal: PersonalData | None  # None once crypto-shredded
    risk_inputs: RatingInput | None  # None once crypto-shredded (countries, hits: personal)
    ratings: tuple[RiskRating, ...]  # oldest first; the last is current
    created_at: datetime
    decided_at: datetime | None = None
    relationship_started_on: date | None = None
    relationship_ended_on: date | None = None
    accounts: frozenset[str] = frozenset()
    edd_measures: frozenset[EddMeasure] = frozenset()
    legal_hold: LegalHold | None = None
    shredded_at: datetime | None = None

    @property
    def rating(self) -> RiskRating:
        return self.ratings[-1]

    @property
    def next_review_on(self) -> date:
        return self.rating.review_due

    @property
    def shredded(self) -> bool:
        return self.shredded_at is not None


_STATUS_OF_OUTCOME = {
    Outcome.APPROVED: CustomerStatus.ACTIVE,
    Outcome.PENDING_REVIEW: CustomerStatus.PENDING,
    Outcome.REJECTED: CustomerStatus.REJECTED,
}


@dataclass(frozen=True, slots=True)
class Onboarded:
    """What an onboarding evaluation produced, to open a customer record from."""

    customer_id: str
    application_id: str
    personal: PersonalData
    inputs: RatingInput
    rating: RiskRating
    decision: Decision


def open_customer(onboarded: Onboarded, at: datetime) -> CustomerRecord:
    """The record an onboarding decision creates (for every outcome: rejected applications
    are kept too, for their own retention period)."""
    status = _STATUS_OF_OUTCOME[onboarded.decision.outcome]
    record = CustomerRecord(
        id=onboarded.customer_id,
        application_id=onboarded.application_id,
        status=CustomerStatus.PENDING,
        personal=onboarded.personal,
        risk_inputs=onboarded.inputs,
        ratings=(onboarded.rating,),
        created_at=at,
        edd_measures=_edd_measures(onboarded.decision),
    )
    return record if status is CustomerStatus.PENDING else _decide(record, status, at)


def _edd_measures(decision: Decision) -> frozenset[EddMeasure]:
    found = [a.measures for a in decision.actions if isinstance(a, EnhancedDueDiligence)]
    return frozenset().union(*found)


def resolve_review(record: CustomerRecord, approved: bool, at: datetime) -> CustomerRecord:
    """An officer's conclusion on a PENDING application."""
    _require(record, CustomerStatus.PENDING, "resolve its review")
    return _decide(record, CustomerStatus.ACTIVE if approved else CustomerStatus.REJECTED, at)


def _decide(record: CustomerRecord, status: CustomerStatus, at: datetime) -> CustomerRecord:
    started = at.date() if status is CustomerStatus.ACTIVE else None
    return dataclasses.replace(
        record, status=status, decided_at=at, relationship_started_on=started
    )


def end_relationship(record: CustomerRecord, on: date) -> CustomerRecord:
    """The customer left (or was exited): the retention clock starts on `on`."""
    _require(record, CustomerStatus.ACTIVE, "end its relationship")
    if record.relationship_started_on and on < record.relationship_started_on:
        raise InvalidArgument.for_field("ended_on", "is before the relationship started")
    return dataclasses.replace(record, status=CustomerStatus.CLOSED, relationship_ended_on=on)


def record_rerating(record: CustomerRecord, rerating: Rerating) -> CustomerRecord:
    """Store a re-rating (a no-op when the event was already applied)."""
    if not rerating.applied:
        return record
    if record.shredded:
        raise FailedPrecondition(f"customer {record.id} was shredded; it cannot be re-rated")
    return dataclasses.replace(
        record, risk_inputs=rerating.inputs, ratings=(*record.ratings, rerating.rating)
    )


def link_account(record: CustomerRecord, account_id: str) -> CustomerRecord:
    """Link a transaction-graph account to the customer (rings on it re-rate the customer)."""
    if not account_id or len(account_id) > 128:
        raise InvalidArgument.for_field("account_id", "must be 1..128 characters")
    return dataclasses.replace(record, accounts=record.accounts | {account_id})


def place_legal_hold(record: CustomerRecord, hold: LegalHold) -> CustomerRecord:
    if record.shredded:
        raise FailedPrecondition(f"customer {record.id} was shredded; there is nothing to hold")
    return dataclasses.replace(record, legal_hold=hold)


def release_legal_hold(record: CustomerRecord) -> CustomerRecord:
    return dataclasses.replace(record, legal_hold=None)


def mark_shredded(record: CustomerRecord, at: datetime) -> CustomerRecord:
    """The record after its data key was destroyed: no personal data, the skeleton (ids, dates,
    rating levels and scores) remains; rating factors name countries and list entries, so
    they go too."""
    if record.legal_hold is not None:
        raise FailedPrecondition(f"customer {record.id} is under legal hold")
    return dataclasses.replace(
        record,
        personal=None,
        risk_inputs=None,
        ratings=tuple(dataclasses.replace(r, factors=()) for r in record.ratings),
        shredded_at=record.shredded_at or at,
    )


def retention_clock_start(record: CustomerRecord) -> date | None:
    """When the retention period started running: the end of the relationship, or the
    rejection of the application. None while the customer is active or pending."""
    if record.status is CustomerStatus.CLOSED:
        return record.relationship_ended_on
    if record.status is CustomerStatus.REJECTED and record.decided_at is not None:
        return record.decided_at.date()
    return None


def _require(record: CustomerRecord, status: CustomerStatus, doing: str) -> None:
    if record.status is not status:
        raise FailedPrecondition(
            f"customer {record.id} is {record.status.value}; only a {status.value} customer "
            f"can {doing}"
        )
