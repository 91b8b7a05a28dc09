"""The policy file's shape, as pydantic models: the edge where YAML becomes typed data.

Only `core.policy_file` uses these; the rest of the core sees the frozen dataclasses of
`core.policy` and `core.risk_model`. Every model forbids unknown keys, so a misspelt key
("outcme:") is an error rather than a silently ignored line. Points may be written as a bare
number (`private_banking: 30`) or with a floor (`pep: {points: 40, minimum: high}`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, model_validator

from services.common.alerts import Severity
from services.onboarding.core.checks import IdentityVerdict
from services.onboarding.core.policy import CaseKind, EddMeasure, Outcome, ResubmissionItem
from services.onboarding.core.risk_model import RiskLevel

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
RULE_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,79}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _points_shorthand(value: Any) -> Any:
    return {"points": value} if isinstance(value, int) and not isinstance(value, bool) else value


class PointsModel(_Strict):
    points: StrictInt = Field(ge=0, le=1000)
    minimum: RiskLevel = RiskLevel.LOW


PointsField = Annotated[PointsModel, BeforeValidator(_points_shorthand)]
Name = Annotated[str, Field(pattern=NAME_PATTERN)]


class ConditionModel(_Strict):
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)


class OpenCaseModel(_Strict):
    kind: CaseKind
    severity: Severity


class EddModel(_Strict):
    measures: list[EddMeasure] = Field(min_length=1)


class ResubmissionModel(_Strict):
    items: list[ResubmissionItem] = Field(min_length=1)


class ActionModel(_Strict):
    open_case: OpenCaseModel | None = None
    enhanced_due_diligence: EddModel | None = None
    request_resubmission: ResubmissionModel | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ActionModel:
        given = (self.open_case, self.enhanced_due_diligence, self.request_resubmission)
        if sum(v is not None for v in given) != 1:
            raise ValueError(
                "an action is exactly one of open_case, enhanced_due_diligence, "
                "request_resubmission"
            )
        return self


class RuleModel(_Strict):
    id: str = Field(pattern=RULE_ID_PATTERN)
    description: str = Field(min_length=1, max_length=500)
    when: ConditionModel
    outcome: Outcome
    client_reasons: list[str] = Field(default_factory=list)
    internal_reasons: list[str] = Field(default_factory=list)
    actions: list[ActionModel] = Field(default_factory=list)


class ScreeningSectionModel(_Strict):
    near_match_min_score: float = Field(0.0, ge=0.0, le=2.0)


class BandsModel(_Strict):
    medium_from: StrictInt = Field(ge=1)
    high_from: StrictInt = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> BandsModel:
        if self.high_from <= self.medium_from:
            raise ValueError("high_from must be greater than medium_from")
        return self


class CountriesModel(_Strict):
    # "builtin": services/onboarding/data/fatf_jurisdictions.yaml; otherwise a path relative
    # to the policy file.
    fatf_lists: str = "builtin"
    call_for_action: PointsField
    increased_monitoring: PointsField
    own_assessment: dict[str, PointsField] = Field(default_factory=dict)


class HitPointsModel(_Strict):
    match: PointsField
    near: PointsField


class ScreeningPointsModel(_Strict):
    sanctions: HitPointsModel
    other: HitPointsModel


class ReviewPeriodsModel(_Strict):
    low: str
    medium: str
    high: str


class RiskSectionModel(_Strict):
    bands: BandsModel
    review_periods: ReviewPeriodsModel
    countries: CountriesModel
    pep: PointsField
    products: dict[Name, PointsField] = Field(min_length=1)
    channels: dict[Name, PointsField] = Field(min_length=1)
    occupations: dict[Name, PointsField] = Field(default_factory=dict)
    occupation_not_given: PointsField = PointsModel(points=0)
    screening: ScreeningPointsModel
    identity: dict[IdentityVerdict, PointsField] = Field(default_factory=dict)
    ring_involvement: dict[Severity, PointsField] = Field(default_factory=dict)


class PolicyFileModel(_Strict):
    version: str = Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")
    description: str = ""
    default_outcome: Outcome = Outcome.APPROVED
    screening: ScreeningSectionModel = ScreeningSectionModel()
    rules: list[RuleModel] = Field(min_length=1)
    risk: RiskSectionModel


class CountryListModel(_Strict):
    as_of: date
    plenary: str = Field(min_length=1)
    source: str = Field(min_length=1)
    call_for_action: list[str]
    increased_monitoring: list[str]
