"""Turn the validated policy file models into the frozen dataclasses the core runs on."""

from __future__ import annotations

from datetime import date

from services.common.alerts import Severity
from services.onboarding.core.checks import ListCategory
from services.onboarding.core.periods import Period
from services.onboarding.core.policy import (
    Action,
    Condition,
    EnhancedDueDiligence,
    OpenCase,
    Policy,
    RequestResubmission,
    Rule,
)
from services.onboarding.core.policy_schema import (
    ActionModel,
    CountriesModel,
    CountryListModel,
    HitPointsModel,
    PointsModel,
    PolicyFileModel,
    ReviewPeriodsModel,
    RiskSectionModel,
    RuleModel,
)
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.risk_model import (
    CountryPoints,
    CountryRiskList,
    HitPoints,
    Points,
    RiskBands,
    RiskLevel,
    RiskModel,
)
from services.onboarding.core.signals import SignalOptions

# Any date works to compare calendar periods; a leap year start keeps "1y" and "365d" apart.
_REFERENCE_DAY = date(2024, 1, 1)


def build_policy(model: PolicyFileModel, countries: CountryListModel, digest: str) -> Policy:
    """The runnable policy (raises ValueError for review periods that are not periods)."""
    return Policy(
        version=model.version,
        content_sha256=digest,
        description=model.description,
        default_outcome=model.default_outcome,
        rules=tuple(_rule(rule) for rule in model.rules),
        signal_options=SignalOptions(model.screening.near_match_min_score),
        risk=_risk_model(model.risk, _country_list(countries)),
    )


def _rule(model: RuleModel) -> Rule:
    return Rule(
        id=model.id,
        description=model.description,
        when=Condition(
            all_of=frozenset(model.when.all),
            any_of=frozenset(model.when.any),
            none_of=frozenset(model.when.none),
        ),
        outcome=model.outcome,
        client_reasons=tuple(ClientReason(code) for code in dict.fromkeys(model.client_reasons)),
        internal_reasons=tuple(InternalReason(c) for c in dict.fromkeys(model.internal_reasons)),
        actions=tuple(_action(action) for action in model.actions),
    )


def _action(model: ActionModel) -> Action:
    if model.open_case is not None:
        return OpenCase(model.open_case.kind, model.open_case.severity)
    if model.enhanced_due_diligence is not None:
        return EnhancedDueDiligence(frozenset(model.enhanced_due_diligence.measures))
    assert model.request_resubmission is not None  # ActionModel guarantees exactly one
    return RequestResubmission(frozenset(model.request_resubmission.items))


def _points(model: PointsModel) -> Points:
    return Points(model.points, model.minimum)


def _hit_points(model: HitPointsModel) -> HitPoints:
    return HitPoints(_points(model.match), _points(model.near))


def _country_list(model: CountryListModel) -> CountryRiskList:
    return CountryRiskList(
        as_of=model.as_of,
        plenary=model.plenary,
        source=model.source,
        call_for_action=frozenset(model.call_for_action),
        increased_monitoring=frozenset(model.increased_monitoring),
    )


def _country_points(model: CountriesModel) -> CountryPoints:
    return CountryPoints(
        call_for_action=_points(model.call_for_action),
        increased_monitoring=_points(model.increased_monitoring),
        own_assessment={code: _points(p) for code, p in model.own_assessment.items()},
    )


def _risk_model(model: RiskSectionModel, country_list: CountryRiskList) -> RiskModel:
    return RiskModel(
        bands=RiskBands(model.bands.medium_from, model.bands.high_from),
        countries=_country_points(model.countries),
        country_list=country_list,
        pep=_points(model.pep),
        products={name: _points(p) for name, p in model.products.items()},
        channels={name: _points(p) for name, p in model.channels.items()},
        occupations={name: _points(p) for name, p in model.occupations.items()},
        occupation_not_given=_points(model.occupation_not_given),
        screening={
            ListCategory.SANCTIONS: _hit_points(model.screening.sanctions),
            ListCategory.OTHER: _hit_points(model.screening.other),
        },
        identity={verdict: _points(p) for verdict, p in model.identity.items()},
        ring_involvement={Severity(s): _points(p) for s, p in model.ring_involvement.items()},
        review_periods=_review_periods(model.review_periods),
    )


def _review_periods(model: ReviewPeriodsModel) -> dict[RiskLevel, Period]:
    periods = {}
    for level in RiskLevel:
        try:
            periods[level] = Period.parse(getattr(model, level.value))
        except ValueError as error:
            raise ValueError(f"{level.value}: {error}") from error
    ends = [periods[level].after(_REFERENCE_DAY) for level in RiskLevel]
    if not ends[0] >= ends[1] >= ends[2]:
        raise ValueError("review cycles must not get longer as risk rises (low >= medium >= high)")
    return periods
