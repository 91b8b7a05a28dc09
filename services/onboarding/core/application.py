"""An onboarding application as the flow keeps it between steps, and what is derived from it.

The application is stored when Evaluate is accepted (with its images, encrypted) and moves
through two steps run by workers: identity verification, then screening + rating + decision.
Each step records its result on the application before the next one starts, so a worker killed
between steps loses nothing and a redelivered step does not redo finished work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.onboarding.core.checks import CheckOutcomes, IdentityOutcome
from services.onboarding.core.customer import PersonalData
from services.onboarding.core.decision import Decision
from services.onboarding.core.risk import CountryLink, CountryRole, RiskProfile
from watchlists.model import (
    Identifier,
    IdentifierKind,
    Name,
    PartialDate,
    Party,
    Schema,
)


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    SELFIE = "selfie"
    LIVENESS_FRAME = "liveness_frame"


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: EvidenceKind
    content: bytes
    offset_ms: int = 0  # liveness frames: milliseconds since the first frame


@dataclass(frozen=True, slots=True)
class ApplicantData:
    """What the applicant typed: their personal data and the answers the rating reads."""

    personal: PersonalData
    residence: str | None = None
    occupation: str | None = None
    declared_pep: bool = False


class ApplicationState(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"  # identity step done (or not run), screening + decision next
    DECIDED = "decided"


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    id: str
    owner: str
    request_id: str
    customer_id: str
    product: str
    channel: str
    applicant: ApplicantData | None  # None once crypto-shredded
    created_at: datetime
    state: ApplicationState = ApplicationState.RECEIVED
    liveness_challenge_id: str = ""
    liveness_nonce: str = ""  # a secret of the challenge: stored sealed
    identity: IdentityOutcome | None = None  # with state >= VERIFIED: None = did not run
    checks: CheckOutcomes | None = None
    decision: Decision | None = None
    decided_at: datetime | None = None


_DOCUMENT_KINDS = {"passport": IdentifierKind.PASSPORT, "id_card": IdentifierKind.NATIONAL_ID}


def risk_profile(applicant: ApplicantData, product: str, channel: str) -> RiskProfile:
    """The rating's view of the applicant: product, channel, linked countries, occupation."""
    personal = applicant.personal
    links = [CountryLink(CountryRole.NATIONALITY, personal.nationality)]
    if applicant.residence:
        links.append(CountryLink(CountryRole.RESIDENCE, applicant.residence))
    if personal.document is not None:
        links.append(CountryLink(CountryRole.DOCUMENT_ISSUER, personal.document.issuing_country))
    return RiskProfile(
        product=product,
        channel=channel,
        countries=tuple(links),
        occupation=applicant.occupation,
        declared_pep=applicant.declared_pep,
    )


def applicant_party(customer_id: str, applicant: ApplicantData) -> Party:
    """The applicant as a screening query (and as the monitored customer afterwards)."""
    personal = applicant.personal
    document = personal.document
    identifiers: tuple[Identifier, ...] = ()
    if document is not None:
        kind = _DOCUMENT_KINDS.get(document.kind, IdentifierKind.OTHER)
        identifiers = (Identifier(kind, document.number, document.issuing_country),)
    full = f"{personal.given_names} {personal.family_name}".strip()
    return Party(
        id=customer_id,
        schema=Schema.PERSON,
        names=(Name(full=full, given=personal.given_names, family=personal.family_name),),
        birth_dates=(PartialDate.from_date(personal.birth_date),),
        nationalities=(personal.nationality,),
        countries=(applicant.residence,) if applicant.residence else (),
        identifiers=identifiers,
        addresses=(personal.address,) if personal.address else (),
    )
