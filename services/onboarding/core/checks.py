"""What onboarding knows about an application once the checks have run.

These are onboarding's own, deliberately coarse views of the identity and screening results:
the policy is written against them, and the adapters of Phase B translate the identity and
screening areas' richer results into them (so a new reason code over there cannot silently
change a decision here: it must be mapped first). `None` for a check means it did not run,
which the policy treats as a finding of its own (`identity.not_run`, `screening.not_run`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from watchlists.model import Party


class IdentityVerdict(StrEnum):
    """The identity area's overall answer (its APPROVED / DECLINED / REVIEW / RETRY)."""

    APPROVED = "approved"
    DECLINED = "declined"
    REVIEW = "review"
    RETRY = "retry"


class IdentityFinding(StrEnum):
    """One thing identity verification found wrong, in onboarding's vocabulary."""

    DOCUMENT_EXPIRED = "document_expired"
    DOCUMENT_INVALID = "document_invalid"
    DOCUMENT_UNREADABLE = "document_unreadable"
    DOCUMENT_DATA_MISMATCH = "document_data_mismatch"
    DOCUMENT_ISSUER_NOT_ACCEPTED = "document_issuer_not_accepted"
    DOCUMENT_NO_PORTRAIT = "document_no_portrait"
    APPLICANT_UNDERAGE = "applicant_underage"
    FACE_MISMATCH = "face_mismatch"
    FACE_INCONCLUSIVE = "face_inconclusive"
    SELFIE_UNUSABLE = "selfie_unusable"
    LIVENESS_FAILED = "liveness_failed"
    PRESENTATION_ATTACK = "presentation_attack"  # replayed challenge, face swapped mid-session
    PRESENTATION_ATTACK_SUSPECTED = "presentation_attack_suspected"  # passive heuristics only


@dataclass(frozen=True, slots=True)
class IdentityOutcome:
    """The identity verification of one application: verdict, findings, and its operation."""

    verdict: IdentityVerdict
    findings: frozenset[IdentityFinding] = frozenset()
    verification_id: str = ""


class ListCategory(StrEnum):
    """What kind of list an entry comes from, which decides how a hit on it is handled."""

    SANCTIONS = "sanctions"
    PEP = "pep"
    OTHER = "other"  # debarment, export control, in-house blocklists, unknown topics


# OpenSanctions / FollowTheMoney topics as the list parsers record them on `Party.topics`.
_SANCTION_TOPICS = frozenset({"sanction", "sanction.linked", "sanction.counter"})
_PEP_TOPICS = frozenset({"role.pep", "role.rca"})


def list_category(entry: Party) -> ListCategory:
    """Sanctions beat PEP beat anything else: an entry on both is handled as a sanction."""
    return category_of_topics(entry.topics)


def category_of_topics(entry_topics: Iterable[str]) -> ListCategory:
    """`list_category` from the topics alone (what a re-screening alert carries)."""
    topics = frozenset(entry_topics)
    if topics & _SANCTION_TOPICS:
        return ListCategory.SANCTIONS
    if topics & _PEP_TOPICS:
        return ListCategory.PEP
    return ListCategory.OTHER


@dataclass(frozen=True, slots=True)
class ScreeningHit:
    """One list entry returned by screening for the applicant.

    `is_match` is the matcher's verdict (score at or above its threshold); entries below it
    are returned as near matches for context. `identifier_match` is True when a document
    number matched exactly, which is near-certain evidence.
    """

    entry_id: str
    category: ListCategory
    score: float
    is_match: bool
    identifier_match: bool = False
    entry_hash: str = ""
    explanation: str = ""

    @property
    def list_source(self) -> str:
        """The list the entry comes from: the "<source>" of "<source>:<source_id>"."""
        return self.entry_id.partition(":")[0]


@dataclass(frozen=True, slots=True)
class ScreeningOutcome:
    """The applicant's screening: every returned entry, and the list versions screened."""

    hits: tuple[ScreeningHit, ...] = ()
    list_versions: tuple[str, ...] = ()

    def of(self, category: ListCategory) -> tuple[ScreeningHit, ...]:
        return tuple(h for h in self.hits if h.category is category)


@dataclass(frozen=True, slots=True)
class CheckOutcomes:
    """Every check's outcome for one application (None: the check did not run)."""

    identity: IdentityOutcome | None = None
    screening: ScreeningOutcome | None = None
