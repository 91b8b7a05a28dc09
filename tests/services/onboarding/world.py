"""An onboarding world for handler tests: real handlers over the in-memory ports and fakes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common.alerts import InMemoryAlertSink
from services.common.crypto import KeyRing, generate_key_spec
from services.common.operations import InMemoryOperationStore, Operation
from services.onboarding.core.application import ApplicantData, Evidence, EvidenceKind
from services.onboarding.core.checks import IdentityOutcome, IdentityVerdict, ScreeningOutcome
from services.onboarding.core.customer import IdentityDocument, PersonalData
from services.onboarding.core.periods import Period
from services.onboarding.core.retention import RecordType, RetentionPolicy
from services.onboarding.evaluation import (
    EvaluateCommand,
    EvaluationDeps,
    EvaluationResult,
    decide_application,
    start_evaluation,
    verify_application,
)
from services.onboarding.handlers import CustomerDeps
from services.onboarding.pii import InMemoryDataKeyStore, PiiVault
from services.onboarding.ports import (
    InMemoryApplicationStore,
    InMemoryAuditTrail,
    InMemoryCustomerStore,
    InMemoryOpenCases,
    ScriptedIdentity,
    ScriptedScreener,
)
from services.onboarding.validation import InputLimits
from tests.services.onboarding.factories import default_policy
from watchlists.model import Address

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
FIVE_YEARS = RetentionPolicy({kind: Period(5) for kind in RecordType})


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class RecordingQueue:
    """A TaskQueue that only records what was sent (tests run the steps themselves)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], str]] = []

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        self.sent.append((task_name, dict(kwargs), queue))


@dataclass
class World:
    identity_outcomes: dict[str, IdentityOutcome | None] = field(default_factory=dict)
    screening_outcomes: dict[str, ScreeningOutcome | None] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)

    def __post_init__(self) -> None:
        self.customers = InMemoryCustomerStore()
        self.applications = InMemoryApplicationStore(self.customers)
        self.identity = ScriptedIdentity(
            self.identity_outcomes, IdentityOutcome(IdentityVerdict.APPROVED)
        )
        self.screening = ScriptedScreener(self.screening_outcomes)
        self.alerts = InMemoryAlertSink()
        self.operations = InMemoryOperationStore()
        self.queue = RecordingQueue()
        self.vault = PiiVault(KeyRing.parse(generate_key_spec()), InMemoryDataKeyStore())
        self.open_cases = InMemoryOpenCases()
        self.audit = InMemoryAuditTrail()

    @property
    def evaluation(self) -> EvaluationDeps:
        return EvaluationDeps(
            default_policy(),
            self.applications,
            self.identity,
            self.screening,
            self.alerts,
            self.operations,
            self.queue,
            InputLimits(1_000_000, 10),
            self.clock,
        )

    @property
    def customer_deps(self) -> CustomerDeps:
        return CustomerDeps(
            self.customers,
            self.applications,
            self.open_cases,
            self.vault,
            self.audit,
            self.alerts,
            default_policy(),
            FIVE_YEARS,
            self.clock,
        )

    def submit(self, command: EvaluateCommand, owner: str = "client-1") -> tuple[Operation, str]:
        return start_evaluation(command, owner, self.evaluation)

    def onboard(self, command: EvaluateCommand, owner: str = "client-1") -> EvaluationResult:
        """Accept, verify and decide in one go (what the two tasks do)."""
        _, application_id = self.submit(command, owner)
        verify_application(application_id, self.evaluation)
        return decide_application(application_id, self.evaluation)


def applicant(
    family: str = "Schmidt",
    *,
    document_number: str = "C01X00T47",
    residence: str | None = "DE",
    nationality: str = "DE",
    occupation: str | None = "employee",
    declared_pep: bool = False,
    birth_date: date = date(1988, 2, 29),
) -> ApplicantData:
    return ApplicantData(
        personal=PersonalData(
            given_names="Anna Maria",
            family_name=family,
            birth_date=birth_date,
            nationality=nationality,
            address=Address(full="Hauptstr. 5, 10115 Berlin", city="Berlin", country="DE"),
            document=IdentityDocument("passport", document_number, nationality, date(2031, 5, 1)),
        ),
        residence=residence,
        occupation=occupation,
        declared_pep=declared_pep,
    )


def command(
    request_id: str = "req-1",
    who: ApplicantData | None = None,
    *,
    product: str = "current_account",
    channel: str = "online",
    evidence: tuple[Evidence, ...] | None = None,
) -> EvaluateCommand:
    return EvaluateCommand(
        request_id=request_id,
        applicant=who or applicant(),
        product=product,
        channel=channel,
        evidence=evidence
        if evidence is not None
        else (Evidence(EvidenceKind.DOCUMENT, JPEG), Evidence(EvidenceKind.SELFIE, JPEG + b"s")),
    )
