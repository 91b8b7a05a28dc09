"""The onboarding policy as the core uses it: rules over signals, actions, the risk model.

A policy is loaded once at start-up from YAML (`core.policy_file`) into these frozen
dataclasses, and every decision records the policy's `version` and `content_sha256`, so an
auditor can tell exactly which rules decided a customer's fate.

How rules combine (chosen so that the order of rules cannot lose a case or an action):
- every rule whose condition holds matches;
- the outcome is the most severe matched outcome (REJECTED > PENDING_REVIEW > APPROVED),
  or the policy's default when nothing matched;
- the client sees the reasons of the rules that produced that outcome; officers see the
  internal reasons of every matched rule; the actions of every matched rule are carried out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.common.alerts import Severity
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.risk_model import RiskModel
from services.onboarding.core.signals import SignalOptions, Signals


class Outcome(StrEnum):
    """What the applicant is told: let in, turned away, or a human decides."""

    APPROVED = "APPROVED"
    PENDING_REVIEW = "PENDING_REVIEW"
    REJECTED = "REJECTED"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Outcome.APPROVED: 0, Outcome.PENDING_REVIEW: 1, Outcome.REJECTED: 2}


class CaseKind(StrEnum):
    """Kinds of case onboarding opens (the values of the case area's CaseKind)."""

    SCREENING = "screening"
    IDENTITY = "identity"
    ONBOARDING = "onboarding"


class EddMeasure(StrEnum):
    """Enhanced due diligence measures (EU AMLD art. 18a and 20, FATF R.12)."""

    SOURCE_OF_FUNDS = "source_of_funds"
    SOURCE_OF_WEALTH = "source_of_wealth"
    SENIOR_MANAGEMENT_APPROVAL = "senior_management_approval"
    ENHANCED_ONGOING_MONITORING = "enhanced_ongoing_monitoring"


class ResubmissionItem(StrEnum):
    """What the applicant can be asked to capture again."""

    DOCUMENT = "document"
    SELFIE = "selfie"
    LIVENESS = "liveness"


@dataclass(frozen=True, slots=True)
class OpenCase:
    """Raise an alert that opens (or joins) a case of `kind` about the customer."""

    kind: CaseKind
    severity: Severity


@dataclass(frozen=True, slots=True)
class EnhancedDueDiligence:
    """Mark the customer for enhanced due diligence with these measures."""

    measures: frozenset[EddMeasure]


@dataclass(frozen=True, slots=True)
class RequestResubmission:
    """Ask the applicant to capture these items again."""

    items: frozenset[ResubmissionItem]


Action = OpenCase | EnhancedDueDiligence | RequestResubmission


@dataclass(frozen=True, slots=True)
class Condition:
    """Holds when every `all_of` signal, at least one `any_of` signal (if any are listed) and
    no `none_of` signal is present."""

    all_of: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()
    none_of: frozenset[str] = frozenset()

    def holds(self, signals: Signals) -> bool:
        present = signals.keys()
        return (
            self.all_of.issubset(present)
            and (not self.any_of or not self.any_of.isdisjoint(present))
            and self.none_of.isdisjoint(present)
        )

    @property
    def positive(self) -> frozenset[str]:
        """Signals whose presence makes the condition hold (their evidence is recorded)."""
        return self.all_of | self.any_of

    @property
    def mentioned(self) -> frozenset[str]:
        return self.all_of | self.any_of | self.none_of


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description: str
    when: Condition
    outcome: Outcome
    client_reasons: tuple[ClientReason, ...] = ()
    internal_reasons: tuple[InternalReason, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy. `content_sha256` covers the rules, the risk model and the country
    lists, so two files that decide differently never share a hash."""

    version: str
    content_sha256: str
    description: str
    default_outcome: Outcome
    rules: tuple[Rule, ...]
    signal_options: SignalOptions
    risk: RiskModel

    def matching(self, signals: Signals) -> tuple[Rule, ...]:
        """The rules whose condition holds, in file order."""
        return tuple(rule for rule in self.rules if rule.when.holds(signals))


def merge_actions(actions: Iterable[Action]) -> tuple[Action, ...]:
    """One action per kind of work: one case per case kind at the highest severity asked,
    one EDD with every measure asked, one resubmission with every item asked."""
    cases: dict[CaseKind, Severity] = {}
    measures: set[EddMeasure] = set()
    items: set[ResubmissionItem] = set()
    edd = False
    for action in actions:
        if isinstance(action, OpenCase):
            current = cases.get(action.kind)
            if current is None or action.severity.rank > current.rank:
                cases[action.kind] = action.severity
        elif isinstance(action, EnhancedDueDiligence):
            edd = True
            measures |= action.measures
        else:
            items |= action.items
    merged: list[Action] = [OpenCase(kind, cases[kind]) for kind in CaseKind if kind in cases]
    if edd:
        merged.append(EnhancedDueDiligence(frozenset(measures)))
    if items:
        merged.append(RequestResubmission(frozenset(items)))
    return tuple(merged)
