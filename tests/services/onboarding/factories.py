"""Builders for onboarding tests: the default policy, check outcomes, profiles, records."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ListCategory,
    ScreeningHit,
    ScreeningOutcome,
)
from services.onboarding.core.customer import (
    CustomerRecord,
    IdentityDocument,
    Onboarded,
    PersonalData,
    open_customer,
)
from services.onboarding.core.decision import Decision, decide
from services.onboarding.core.policy import Policy
from services.onboarding.core.policy_file import DEFAULT_POLICY, load_policy
from services.onboarding.core.risk import (
    CountryLink,
    CountryRole,
    RatingInput,
    RiskProfile,
    RiskRating,
    rate_customer,
)
from services.onboarding.core.signals import Application
from watchlists.model import Address

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


@functools.cache
def default_policy() -> Policy:
    return load_policy(DEFAULT_POLICY)


def identity(
    verdict: IdentityVerdict = IdentityVerdict.APPROVED, *findings: IdentityFinding
) -> IdentityOutcome:
    return IdentityOutcome(verdict, frozenset(findings), verification_id="idv_1")


def hit(
    category: ListCategory = ListCategory.SANCTIONS,
    *,
    is_match: bool = True,
    score: float = 0.91,
    entry_id: str = "ofac_sdn:36",
    identifier_match: bool = False,
) -> ScreeningHit:
    return ScreeningHit(
        entry_id=entry_id,
        category=category,
        score=score,
        is_match=is_match,
        identifier_match=identifier_match,
        entry_hash="e" * 64,
        explanation="surname 'PRIGOZHIN' ~ 'PRIGOJIN' (transliteration)",
    )


def screening(*hits: ScreeningHit) -> ScreeningOutcome:
    return ScreeningOutcome(hits=hits, list_versions=("ofac_sdn@2024-05-01",))


def checks(
    identity_outcome: IdentityOutcome | None = None,
    screening_outcome: ScreeningOutcome | None = None,
) -> CheckOutcomes:
    """Clean checks unless told otherwise (build CheckOutcomes directly for 'not run')."""
    return CheckOutcomes(
        identity=identity_outcome or identity(),
        screening=screening_outcome or screening(),
    )


def profile(
    *countries: tuple[CountryRole, str],
    product: str = "current_account",
    channel: str = "online",
    occupation: str | None = "employee",
    declared_pep: bool = False,
) -> RiskProfile:
    links = countries or ((CountryRole.NATIONALITY, "DE"), (CountryRole.RESIDENCE, "DE"))
    return RiskProfile(
        product=product,
        channel=channel,
        countries=tuple(CountryLink(role, code) for role, code in links),
        occupation=occupation,
        declared_pep=declared_pep,
    )


def rate(
    outcomes: CheckOutcomes, risk_profile: RiskProfile, policy: Policy | None = None
) -> RiskRating:
    chosen = policy or default_policy()
    return rate_customer(RatingInput(risk_profile, outcomes), chosen.risk, chosen.version, NOW)


def evaluate(
    outcomes: CheckOutcomes | None = None,
    risk_profile: RiskProfile | None = None,
    policy: Policy | None = None,
) -> Decision:
    """Rate and decide with the default policy (clean checks, a German employee online)."""
    chosen = policy or default_policy()
    outcomes = outcomes or checks()
    risk_profile = risk_profile or profile()
    rating = rate(outcomes, risk_profile, chosen)
    return decide(chosen, Application(outcomes, risk_profile, rating))


def personal_data() -> PersonalData:
    return PersonalData(
        given_names="Anna Maria",
        family_name="Schmidt",
        birth_date=date(1988, 2, 29),
        nationality="DE",
        address=Address(full="Hauptstr. 5, 10115 Berlin", city="Berlin", country="DE"),
        document=IdentityDocument("passport", "C01X00T47", "DE", date(2031, 5, 1)),
    )


def customer(
    customer_id: str = "cus_1",
    outcomes: CheckOutcomes | None = None,
    risk_profile: RiskProfile | None = None,
    at: datetime = NOW,
) -> CustomerRecord:
    """A customer opened from an evaluation with the default policy."""
    outcomes = outcomes or checks()
    risk_profile = risk_profile or profile()
    rating = rate(outcomes, risk_profile)
    decision = decide(default_policy(), Application(outcomes, risk_profile, rating))
    onboarded = Onboarded(
        customer_id=customer_id,
        application_id=f"app_{customer_id}",
        personal=personal_data(),
        inputs=RatingInput(risk_profile, outcomes),
        rating=rating,
        decision=decision,
    )
    return open_customer(onboarded, at)


@functools.cache
def _default_policy_yaml() -> str:
    return DEFAULT_POLICY.read_text()


def default_policy_document() -> dict[str, Any]:
    loaded = yaml.load(_default_policy_yaml(), Loader=yaml.CSafeLoader)
    assert isinstance(loaded, dict)
    return loaded


def write_policy(
    directory: Path, change: Callable[[dict[str, Any]], object], name: str = "policy.yaml"
) -> Path:
    """The default policy with `change` applied to its parsed document, written to a file."""
    document = default_policy_document()
    change(document)
    path = directory / name
    path.write_text(yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False))
    return path


def rule(document: dict[str, Any], rule_id: str) -> dict[str, Any]:
    for entry in document["rules"]:
        if entry["id"] == rule_id:
            assert isinstance(entry, dict)
            return entry
    raise KeyError(rule_id)
