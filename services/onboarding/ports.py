"""What the onboarding handlers need from the outside world, with in-memory adapters.

The in-memory adapters are the fakes the handler tests use instead of mocks; the SQL adapters
(`adapters/applications.py`, `customers.py`, `keys.py`) pass the same contract tests, and
`adapters/identity_area.py`, `cases_area.py` and `areas.py` adapt the other areas' use cases
(or stand in for an area not yet merged) to these ports.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from services.common.errors import AlreadyExists, NotFound
from services.onboarding.core.application import (
    ApplicantData,
    ApplicationRecord,
    ApplicationState,
    Evidence,
)
from services.onboarding.core.checks import CheckOutcomes, IdentityOutcome, ScreeningOutcome
from services.onboarding.core.customer import CustomerRecord, CustomerStatus
from services.onboarding.core.decision import Decision
from watchlists.model import Party


# --- audit and cases (owned by the cases area) -------------------------------------------------
@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry for the audit log (the shape of the cases area's `AuditRecord`).

    `details` never holds personal data: ids, dates, counts and reason codes only.
    """

    at: datetime
    actor: str
    action: str
    target: str
    details: Mapping[str, object] = field(default_factory=dict)


class AuditTrail(Protocol):
    """The tamper-evident audit log (owned by the cases area). `durable` is False for a
    stand-in that only logs: irreversible actions (purges) refuse to run on it."""

    durable: bool

    def append(self, event: AuditEvent) -> None: ...


class InMemoryAuditTrail:
    durable = True

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self.events.append(event)

    def actions(self) -> list[str]:
        return [e.action for e in self.events]


class OpenCaseLookup(Protocol):
    """Which of these subject refs ("customer:<id>", "account:<id>") have an open case."""

    def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]: ...


class InMemoryOpenCases:
    def __init__(self, subjects: frozenset[str] = frozenset()) -> None:
        self.subjects = set(subjects)

    def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]:
        return frozenset(subjects & self.subjects)


# --- identity and screening (owned by their areas) ---------------------------------------------
@dataclass(frozen=True, slots=True)
class IdentityRequest:
    """One application's identity verification input (`application_id` keys idempotency)."""

    application_id: str
    applicant: ApplicantData
    evidence: tuple[Evidence, ...]
    liveness_challenge_id: str = ""
    liveness_nonce: str = ""


class IdentityChecker(Protocol):
    """Runs identity verification; None when it is not available (the policy decides)."""

    def check_images(self, evidence: tuple[Evidence, ...]) -> None:
        """Refuse unusable images at once (InvalidArgument / ResourceExhausted naming the
        request field), before anything is stored or queued."""
        ...

    def verify(self, request: IdentityRequest) -> IdentityOutcome | None: ...


class Screener(Protocol):
    """Screens the applicant; keeps approved customers under ongoing screening."""

    def screen(self, party: Party) -> ScreeningOutcome | None: ...
    def monitor(self, party: Party) -> None: ...


class ScriptedIdentity:
    """Identity fake: the outcome scripted for the document number (default: approved)."""

    def __init__(
        self, outcomes: Mapping[str, IdentityOutcome | None], default: IdentityOutcome | None
    ) -> None:
        self.outcomes = dict(outcomes)
        self.default = default
        self.calls: list[str] = []

    def check_images(self, evidence: tuple[Evidence, ...]) -> None:
        return None

    def verify(self, request: IdentityRequest) -> IdentityOutcome | None:
        self.calls.append(request.application_id)
        document = request.applicant.personal.document
        number = document.number if document else ""
        return self.outcomes.get(number, self.default)


class ScriptedScreener:
    """Screening fake: the outcome scripted for the family name (default: clear)."""

    def __init__(self, outcomes: Mapping[str, ScreeningOutcome | None]) -> None:
        self.outcomes = {name.upper(): outcome for name, outcome in outcomes.items()}
        self.monitored: dict[str, Party] = {}

    def screen(self, party: Party) -> ScreeningOutcome | None:
        family = (party.primary_name.family or party.primary_name.full).upper()
        return self.outcomes.get(family, ScreeningOutcome(list_versions=("fake@1",)))

    def monitor(self, party: Party) -> None:
        self.monitored[party.id] = party


# --- onboarding's own records ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NewApplication:
    """An accepted Evaluate request, stored before its operation is created."""

    record: ApplicationRecord
    input_sha256: str
    evidence: tuple[Evidence, ...]


class ApplicationStore(Protocol):
    def create_or_get(self, new: NewApplication) -> ApplicationRecord:
        """Store it, or return the one stored for (owner, request_id) — AlreadyExists when
        that one was made from different input."""
        ...

    def get(self, application_id: str) -> ApplicationRecord: ...
    def evidence(self, application_id: str) -> tuple[Evidence, ...]: ...
    def record_identity(self, application_id: str, outcome: IdentityOutcome | None) -> None:
        """RECEIVED -> VERIFIED with the outcome (None: did not run); later calls are no-ops."""
        ...

    def record_decision(
        self,
        application_id: str,
        checks: CheckOutcomes,
        decision: Decision,
        customer: CustomerRecord,
    ) -> None:
        """VERIFIED -> DECIDED and create the customer record, atomically; no-op once decided."""
        ...

    def purge(self, application_id: str) -> int:
        """Delete the application's evidence and personal data (retention); evidence count."""
        ...


class CustomerStore(Protocol):
    def get(self, customer_id: str) -> CustomerRecord: ...
    def put(self, record: CustomerRecord) -> None:
        """Update an existing record (new ratings appended, accounts, hold, status...)."""
        ...

    def retention_candidates(self) -> Iterator[CustomerRecord]:
        """Records whose retention clock runs (closed, rejected) and are not yet shredded."""
        ...

    def owners_of(self, accounts: frozenset[str]) -> Mapping[str, frozenset[str]]:
        """Customer id -> their linked accounts, for customers owning any of `accounts`."""
        ...

    def due_for_review(self, today: date) -> Iterator[str]:
        """Ids of active customers whose periodic review is due on or before `today`."""
        ...


class InMemoryApplicationStore:
    def __init__(self, customers: InMemoryCustomerStore) -> None:
        self.customers = customers
        self.records: dict[str, ApplicationRecord] = {}
        self.digests: dict[str, str] = {}
        self.blobs: dict[str, tuple[Evidence, ...]] = {}
        self._lock = threading.Lock()

    def create_or_get(self, new: NewApplication) -> ApplicationRecord:
        with self._lock:
            for existing in self.records.values():
                if (existing.owner, existing.request_id) == (
                    new.record.owner,
                    new.record.request_id,
                ):
                    if self.digests[existing.id] != new.input_sha256:
                        raise AlreadyExists(
                            "request id reused for other input", reason="REQUEST_ID_REUSED"
                        )
                    return existing
            self.records[new.record.id] = new.record
            self.digests[new.record.id] = new.input_sha256
            self.blobs[new.record.id] = new.evidence
            return new.record

    def get(self, application_id: str) -> ApplicationRecord:
        try:
            return self.records[application_id]
        except KeyError:
            raise NotFound("application", application_id) from None

    def evidence(self, application_id: str) -> tuple[Evidence, ...]:
        return self.blobs.get(application_id, ())

    def record_identity(self, application_id: str, outcome: IdentityOutcome | None) -> None:
        with self._lock:
            record = self.get(application_id)
            if record.state is ApplicationState.RECEIVED:
                self.records[application_id] = dataclasses.replace(
                    record, state=ApplicationState.VERIFIED, identity=outcome
                )

    def record_decision(
        self,
        application_id: str,
        checks: CheckOutcomes,
        decision: Decision,
        customer: CustomerRecord,
    ) -> None:
        with self._lock:
            record = self.get(application_id)
            if record.state is ApplicationState.DECIDED:
                return
            self.records[application_id] = dataclasses.replace(
                record,
                state=ApplicationState.DECIDED,
                checks=checks,
                decision=decision,
                decided_at=customer.decided_at or customer.created_at,
            )
            self.customers.add(customer)

    def purge(self, application_id: str) -> int:
        with self._lock:
            record = self.get(application_id)
            self.records[application_id] = dataclasses.replace(record, applicant=None)
            return len(self.blobs.pop(application_id, ()))


class InMemoryCustomerStore:
    def __init__(self) -> None:
        self.records: dict[str, CustomerRecord] = {}
        self._lock = threading.Lock()

    def add(self, record: CustomerRecord) -> None:
        with self._lock:
            self.records.setdefault(record.id, record)

    def get(self, customer_id: str) -> CustomerRecord:
        try:
            return self.records[customer_id]
        except KeyError:
            raise NotFound("customer", customer_id) from None

    def put(self, record: CustomerRecord) -> None:
        with self._lock:
            self.get(record.id)
            self.records[record.id] = record

    def retention_candidates(self) -> Iterator[CustomerRecord]:
        clocked = (CustomerStatus.CLOSED, CustomerStatus.REJECTED)
        return iter([r for r in self.records.values() if r.status in clocked and not r.shredded])

    def owners_of(self, accounts: frozenset[str]) -> Mapping[str, frozenset[str]]:
        return {r.id: r.accounts for r in self.records.values() if r.accounts & accounts}

    def due_for_review(self, today: date) -> Iterator[str]:
        active = (r for r in self.records.values() if r.status is CustomerStatus.ACTIVE)
        return iter(sorted(r.id for r in active if r.next_review_on <= today))
