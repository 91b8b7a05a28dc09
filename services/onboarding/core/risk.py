"""The customer risk rating: a transparent sum of factors, each with its points and reason.

    rating = rate_customer(RatingInput(profile, checks), model, at=now)

Every factor below is a pure function `(subject, model) -> tuple[RiskFactor, ...]` whose
docstring is its documentation (`docs/onboarding/risk-factors.md` is generated from them).
The score is the sum of the factors' points; the rating is the band of the score, raised to
the highest `minimum` any factor imposes. Factors that apply with 0 points are still listed,
so an officer sees everything that was considered, not only what counted.

`RiskFactor.detail` is for officers: it may name lists and countries' FATF status and must
never reach the applicant (see `core.reasons`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.common.alerts import Severity
from services.common.errors import FieldViolation, InvalidArgument
from services.onboarding.core.checks import CheckOutcomes, ListCategory, ScreeningHit
from services.onboarding.core.risk_model import NO_POINTS, Points, RiskLevel, RiskModel, highest


class CountryRole(StrEnum):
    """How a country is linked to the applicant."""

    NATIONALITY = "nationality"
    RESIDENCE = "residence"
    DOCUMENT_ISSUER = "document_issuer"


@dataclass(frozen=True, slots=True)
class CountryLink:
    role: CountryRole
    code: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class RiskProfile:
    """What the application says about the customer that the rating reads."""

    product: str
    channel: str
    countries: tuple[CountryLink, ...] = ()
    occupation: str | None = None
    declared_pep: bool = False


@dataclass(frozen=True, slots=True)
class RescreeningHit:
    """Ongoing screening found the customer on a list after onboarding (a list update)."""

    key: str  # the alert key: the same hit delivered twice counts once
    entry_id: str
    category: ListCategory
    score: float
    is_match: bool


@dataclass(frozen=True, slots=True)
class RingInvolvement:
    """A transaction-graph ring (a typology detector's finding) involves the customer."""

    key: str  # the ring fingerprint
    typology: str
    severity: Severity
    accounts: tuple[str, ...] = ()


RiskEvent = RescreeningHit | RingInvolvement


@dataclass(frozen=True, slots=True)
class RatingInput:
    """Everything a rating is computed from: the profile, the checks, later events."""

    profile: RiskProfile
    checks: CheckOutcomes
    events: tuple[RiskEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class RiskFactor:
    """One contribution to the score: `code` names the factor, `detail` explains it."""

    code: str
    points: int
    minimum: RiskLevel
    detail: str


@dataclass(frozen=True, slots=True)
class RiskRating:
    """A rating with its every factor, when it was made and when it must be reviewed."""

    level: RiskLevel
    score: int
    factors: tuple[RiskFactor, ...]
    rated_at: datetime
    review_due: date
    policy_version: str
    country_list_as_of: date


def _factor(code: str, points: Points, detail: str) -> RiskFactor:
    return RiskFactor(code, points.points, points.minimum, detail)


def country_risk(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Country risk: the riskiest country linked to the applicant (nationality, residence,
    document issuer) on the FATF "call for action" or "increased monitoring" lists, or in the
    bank's own country assessment. Counted once, for the riskiest country, so a national living
    in the same country is not counted twice; every listed country is named in the detail."""
    scored = [(_country_points(link.code, model), link) for link in subject.profile.countries]
    listed = [(points, link, why) for (points, why), link in scored if why]
    if not listed:
        return ()
    top = max(listed, key=lambda item: (item[0].minimum.rank, item[0].points))
    named = "; ".join(f"{link.role.value} {link.code}: {why}" for _, link, why in listed)
    return (_factor("country", top[0], named),)


def _country_points(code: str, model: RiskModel) -> tuple[Points, str]:
    lists, points = model.country_list, model.countries
    found = [
        (points.call_for_action, f"FATF call for action ({lists.plenary})")
        if code in lists.call_for_action
        else None,
        (points.increased_monitoring, f"FATF increased monitoring ({lists.plenary})")
        if code in lists.increased_monitoring
        else None,
        (points.own_assessment[code], "bank country assessment")
        if code in points.own_assessment
        else None,
    ]
    present = [item for item in found if item is not None]
    if not present:
        return NO_POINTS, ""
    best = max(present, key=lambda item: (item[0].minimum.rank, item[0].points))
    return best[0], " and ".join(why for _, why in present)


def pep_status(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Politically exposed person: declared on the application, or a PEP list entry flagged as
    a match by screening. A possible match already counts: enhanced due diligence must start
    before the relationship does, and an officer clearing the match as a false positive
    re-rates the customer."""
    screening = subject.checks.screening
    hits = [h for h in screening.of(ListCategory.PEP) if h.is_match] if screening else []
    sources = (["declared by the applicant"] if subject.profile.declared_pep else []) + [
        f"PEP list entry {h.entry_id} (score {h.score:.2f})" for h in hits
    ]
    if not sources:
        return ()
    return (_factor("pep", model.pep, "; ".join(sources)),)


def screening_hits(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Screening at onboarding: per list category (sanctions, other watchlists), the strongest
    returned entry adds the category's "match" points when screening flagged it as a match,
    or its "near" points when it was returned below the match threshold. PEP hits count under
    the PEP factor instead, so they are not counted twice."""
    screening = subject.checks.screening
    if screening is None:
        return ()
    out = []
    for category in (ListCategory.SANCTIONS, ListCategory.OTHER):
        hits = screening.of(category)
        if hits:
            out.append(_hit_factor(f"screening.{category.value}", hits, model))
    return tuple(out)


def _hit_factor(code: str, hits: tuple[ScreeningHit, ...], model: RiskModel) -> RiskFactor:
    best = max(hits, key=lambda h: (h.is_match, h.score))
    points = model.screening[best.category]
    kind = "match" if best.is_match else "near match"
    detail = f"{kind}: {best.entry_id} (score {best.score:.2f}); {len(hits)} entries returned"
    return _factor(code, points.match if best.is_match else points.near, detail)


def product_risk(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Product risk: the points the bank's product catalogue gives the product applied for
    (e.g. private banking or cross-border payments above a basic account)."""
    product = subject.profile.product
    return (_factor("product", model.products[product], f"product {product}"),)


def channel_risk(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Delivery channel risk: non-face-to-face onboarding is riskier than a branch visit unless
    it uses strong remote identification (EU AMLD annex III)."""
    channel = subject.profile.channel
    return (_factor("channel", model.channels[channel], f"channel {channel}"),)


def occupation_risk(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Occupation risk: cash-intensive and high-risk sectors score higher; an occupation the
    applicant did not give scores the policy's "not given" points."""
    occupation = subject.profile.occupation
    if occupation is None:
        return (_factor("occupation", model.occupation_not_given, "occupation not given"),)
    return (_factor("occupation", model.occupations[occupation], f"occupation {occupation}"),)


def identity_result(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Identity verification: a verification that needed review or a retry adds the points the
    policy gives that verdict (an approved one normally adds none)."""
    identity = subject.checks.identity
    if identity is None:
        return ()
    points = model.identity.get(identity.verdict, NO_POINTS)
    findings = ", ".join(sorted(f.value for f in identity.findings)) or "no findings"
    return (_factor("identity", points, f"verdict {identity.verdict.value}; {findings}"),)


def later_events(subject: RatingInput, model: RiskModel) -> tuple[RiskFactor, ...]:
    """Events after onboarding: a re-screening hit counts like a screening hit of its category
    (a PEP match like the PEP factor); a ring found by the transaction graph that involves one
    of the customer's accounts adds the points the policy gives the ring's severity."""
    return tuple(_event_factor(event, model) for event in subject.events)


def _event_factor(event: RiskEvent, model: RiskModel) -> RiskFactor:
    if isinstance(event, RingInvolvement):
        points = model.ring_involvement.get(event.severity, NO_POINTS)
        detail = f"ring {event.key} ({event.typology}, {event.severity.value})"
        return _factor("event.ring", points, detail)
    kind = "match" if event.is_match else "near match"
    detail = f"re-screening {kind}: {event.entry_id} (score {event.score:.2f})"
    if event.category is ListCategory.PEP:
        return _factor("event.rescreening", model.pep if event.is_match else NO_POINTS, detail)
    hit_points = model.screening[event.category]
    return _factor(
        "event.rescreening", hit_points.match if event.is_match else hit_points.near, detail
    )


RiskFactorFunction = Callable[[RatingInput, RiskModel], tuple[RiskFactor, ...]]

FACTORS: tuple[RiskFactorFunction, ...] = (
    country_risk,
    pep_status,
    screening_hits,
    product_risk,
    channel_risk,
    occupation_risk,
    identity_result,
    later_events,
)


def validate_profile(profile: RiskProfile, model: RiskModel) -> None:
    """Refuse a profile the model cannot rate (unknown product, channel or occupation)."""
    problems = []
    if profile.product not in model.products:
        problems.append(FieldViolation("product", f"unknown product {profile.product!r}"))
    if profile.channel not in model.channels:
        problems.append(FieldViolation("channel", f"unknown channel {profile.channel!r}"))
    if profile.occupation is not None and profile.occupation not in model.occupations:
        problems.append(FieldViolation("occupation", f"unknown occupation {profile.occupation!r}"))
    for position, link in enumerate(profile.countries):
        if len(link.code) != 2 or not link.code.isascii() or not link.code.isupper():
            problems.append(FieldViolation(f"countries[{position}]", "not ISO 3166 alpha-2"))
    if problems:
        raise InvalidArgument("the application cannot be risk-rated", problems)


def rate_customer(subject: RatingInput, model: RiskModel, version: str, at: datetime) -> RiskRating:
    """Rate a customer: every factor, their sum, the band, raised to the highest minimum."""
    validate_profile(subject.profile, model)
    factors = tuple(found for factor in FACTORS for found in factor(subject, model))
    score = sum(f.points for f in factors)
    level = highest((model.bands.level(score), *(f.minimum for f in factors)))
    return RiskRating(
        level=level,
        score=score,
        factors=factors,
        rated_at=at,
        review_due=model.review_periods[level].after(at.date()),
        policy_version=version,
        country_list_as_of=model.country_list.as_of,
    )
