"""Signals: the named facts about an application that policy rules are written against.

`derive_signals` turns check outcomes, the applicant's profile and the risk rating into a set
of signals such as `identity.document_expired` or `screening.sanctions.match`, each with the
evidence (list entry ids, countries, scores) an officer needs. Rules only ever see signal
names, so the catalogue below is the complete language of the policy file: a rule naming a
signal that is not here is refused when the policy loads, instead of silently never matching.

Signals marked confidential come from screening, country lists, PEP status or the risk
rating: a rule that uses one may only give the applicant neutral reasons (see core.reasons).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityVerdict,
    ListCategory,
    ScreeningHit,
    ScreeningOutcome,
)
from services.onboarding.core.risk import RiskProfile, RiskRating
from services.onboarding.core.risk_model import CountryRiskList, RiskLevel


@dataclass(frozen=True, slots=True)
class SignalSpec:
    name: str
    description: str
    confidential: bool


def _catalogue() -> dict[str, SignalSpec]:
    specs = [
        SignalSpec("identity.not_run", "identity verification did not run", False),
        *(
            SignalSpec(f"identity.{v.value}", f"identity verification answered {v.name}", False)
            for v in IdentityVerdict
        ),
        *(
            SignalSpec(f"identity.{f.value}", f"identity found {f.value.replace('_', ' ')}", False)
            for f in IdentityFinding
        ),
        SignalSpec("screening.not_run", "screening did not run", True),
        SignalSpec("screening.clear", "screening returned no list entry", True),
        *(
            SignalSpec(f"screening.{c.value}.{kind}", f"{c.value} list {kind} ({why})", True)
            for c in ListCategory
            for kind, why in (
                ("match", "flagged a match by screening"),
                ("near", "returned below the match threshold"),
            )
        ),
        SignalSpec(
            "screening.sanctions.identifier_match",
            "a sanctions entry's document number equals the applicant's",
            True,
        ),
        SignalSpec("applicant.declared_pep", "the applicant declared being a PEP", True),
        SignalSpec("country.call_for_action", "a linked country is on the FATF black list", True),
        SignalSpec(
            "country.increased_monitoring", "a linked country is on the FATF grey list", True
        ),
        *(SignalSpec(f"risk.{lvl.value}", f"risk rating {lvl.value}", True) for lvl in RiskLevel),
    ]
    return {spec.name: spec for spec in specs}


SIGNALS: Mapping[str, SignalSpec] = _catalogue()

# A signal with the evidence behind it (entry ids, countries, scores): for officers only.
Signals = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class SignalOptions:
    """Tuning of signal derivation from the policy file's `screening:` section."""

    near_match_min_score: float = 0.0


@dataclass(frozen=True, slots=True)
class Application:
    """What the signals are derived from."""

    checks: CheckOutcomes
    profile: RiskProfile
    rating: RiskRating


def derive_signals(
    application: Application, countries: CountryRiskList, options: SignalOptions
) -> Signals:
    """Every signal that holds for the application, with its evidence."""
    found: dict[str, list[str]] = {}
    _identity_signals(application.checks, found)
    _screening_signals(application.checks.screening, options, found)
    _profile_signals(application.profile, countries, found)
    found[f"risk.{application.rating.level.value}"] = [f"score {application.rating.score}"]
    return {name: tuple(evidence) for name, evidence in found.items()}


def _identity_signals(checks: CheckOutcomes, found: dict[str, list[str]]) -> None:
    identity = checks.identity
    if identity is None:
        found["identity.not_run"] = []
        return
    found[f"identity.{identity.verdict.value}"] = [identity.verification_id]
    for finding in identity.findings:
        found[f"identity.{finding.value}"] = [identity.verification_id]


def _screening_signals(
    screening: ScreeningOutcome | None, options: SignalOptions, found: dict[str, list[str]]
) -> None:
    if screening is None:
        found["screening.not_run"] = []
        return
    relevant = [h for h in screening.hits if h.is_match or h.score >= options.near_match_min_score]
    if not relevant:
        found["screening.clear"] = list(screening.list_versions)
    for hit in relevant:
        kind = "match" if hit.is_match else "near"
        found.setdefault(f"screening.{hit.category.value}.{kind}", []).append(_evidence(hit))
        if hit.identifier_match and hit.category is ListCategory.SANCTIONS:
            found.setdefault("screening.sanctions.identifier_match", []).append(_evidence(hit))


def _evidence(hit: ScreeningHit) -> str:
    return f"{hit.entry_id} score {hit.score:.2f}"


def _profile_signals(
    profile: RiskProfile, countries: CountryRiskList, found: dict[str, list[str]]
) -> None:
    if profile.declared_pep:
        found["applicant.declared_pep"] = []
    for link in profile.countries:
        where = f"{link.role.value} {link.code}"
        if link.code in countries.call_for_action:
            found.setdefault("country.call_for_action", []).append(where)
        if link.code in countries.increased_monitoring:
            found.setdefault("country.increased_monitoring", []).append(where)
