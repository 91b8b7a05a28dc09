"""Retention: which records are past their retention period and may be purged.

AML rules require records to be kept for a period after the relationship ends (five years in
EU AMLD art. 40 and the UK MLRs reg. 40; FinCEN five years after closing) and data-protection
rules require them to go once that period has passed. This module is the pure selection:

    plan = plan_purge(records, RetentionPolicy(...), open_case_subjects, today)

A record is due when its clock has started (relationship ended, application rejected, ...)
and its type's period has passed since, EXCEPT when it is under legal hold or any subject it
is linked to (the customer, one of their accounts, the application) has an open case: an
investigation must never lose its evidence to a timer. Exempted records are reported with the
reason, so the purge log shows what was kept and why. The purge itself, dry-run or not, and
its audit live in `services.onboarding.handlers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.onboarding.core.customer import CustomerRecord, CustomerStatus, retention_clock_start
from services.onboarding.core.periods import Period


class RecordType(StrEnum):
    """Kinds of records with their own retention period."""

    CUSTOMER = "customer"  # a closed relationship: clock = end of the relationship
    APPLICATION = "application"  # a rejected application: clock = the decision
    IDENTITY_EVIDENCE = "identity_evidence"  # document images, selfies: clock = as their record


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    periods: Mapping[RecordType, Period]


@dataclass(frozen=True, slots=True)
class RetainedRecord:
    """One record under retention. `subjects` are the refs cases are opened on
    ("customer:<id>", "account:<id>", "applicant:<id>")."""

    record_type: RecordType
    record_id: str
    subjects: frozenset[str]
    clock_started_on: date | None
    legal_hold: bool = False


class Exemption(StrEnum):
    LEGAL_HOLD = "legal_hold"
    OPEN_CASE = "open_case"


@dataclass(frozen=True, slots=True)
class PurgeCandidate:
    record: RetainedRecord
    due_on: date


@dataclass(frozen=True, slots=True)
class Exempted:
    record: RetainedRecord
    due_on: date
    reason: Exemption
    detail: str  # the subject with the open case, or "legal hold"


@dataclass(frozen=True, slots=True)
class PurgePlan:
    as_of: date
    due: tuple[PurgeCandidate, ...]
    exempted: tuple[Exempted, ...]


def due_on(record: RetainedRecord, policy: RetentionPolicy) -> date | None:
    """The first day the record may be purged (None while its clock is not running)."""
    if record.clock_started_on is None:
        return None
    return policy.periods[record.record_type].after(record.clock_started_on)


def plan_purge(
    records: Iterable[RetainedRecord],
    policy: RetentionPolicy,
    open_case_subjects: frozenset[str],
    today: date,
) -> PurgePlan:
    """Split the records past retention into those to purge and those exempted."""
    due: list[PurgeCandidate] = []
    exempted: list[Exempted] = []
    for record in records:
        when = due_on(record, policy)
        if when is None or when > today:
            continue
        exemption = _exemption(record, open_case_subjects)
        if exemption is None:
            due.append(PurgeCandidate(record, when))
        else:
            exempted.append(Exempted(record, when, *exemption))
    return PurgePlan(today, tuple(due), tuple(exempted))


def _exemption(record: RetainedRecord, open_cases: frozenset[str]) -> tuple[Exemption, str] | None:
    if record.legal_hold:
        return Exemption.LEGAL_HOLD, "legal hold"
    under_case = sorted(record.subjects & open_cases)
    if under_case:
        return Exemption.OPEN_CASE, ", ".join(under_case)
    return None


def customer_subjects(record: CustomerRecord) -> frozenset[str]:
    """Every subject ref a case about this customer may be opened on."""
    refs = {f"customer:{record.id}", f"applicant:{record.application_id}"}
    return frozenset(refs | {f"account:{account}" for account in record.accounts})


def retained_customer(record: CustomerRecord) -> RetainedRecord | None:
    """The customer record as a retention item (None once shredded: nothing left to purge)."""
    if record.shredded:
        return None
    kind = (
        RecordType.APPLICATION if record.status is CustomerStatus.REJECTED else RecordType.CUSTOMER
    )
    return RetainedRecord(
        record_type=kind,
        record_id=record.id,
        subjects=customer_subjects(record),
        clock_started_on=retention_clock_start(record),
        legal_hold=record.legal_hold is not None,
    )
