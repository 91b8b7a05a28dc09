"""The configuration of the customer risk rating: points per factor, bands, review cycles.

A bank's risk assessment is its own (EU AMLD art. 8, FATF R.1 "risk-based approach"), so every
number here comes from the policy file; this module only gives it a shape. A factor contributes
`Points`: a number added to the score and, optionally, a floor on the final rating (a PEP is
high risk whatever else is true, because the regulation says so, not because of arithmetic).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.common.alerts import Severity
from services.onboarding.core.checks import IdentityVerdict, ListCategory
from services.onboarding.core.periods import Period


class RiskLevel(StrEnum):
    """The customer risk rating."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def highest(levels: tuple[RiskLevel, ...]) -> RiskLevel:
    """The most severe of `levels` (LOW for none)."""
    return max(levels, key=lambda level: level.rank, default=RiskLevel.LOW)


@dataclass(frozen=True, slots=True)
class Points:
    """What one factor adds to the score, and the lowest rating it allows."""

    points: int
    minimum: RiskLevel = RiskLevel.LOW


NO_POINTS = Points(0)


@dataclass(frozen=True, slots=True)
class CountryRiskList:
    """The FATF lists as of one plenary (see services/onboarding/data/fatf_jurisdictions.yaml)."""

    as_of: date
    plenary: str
    source: str
    call_for_action: frozenset[str]
    increased_monitoring: frozenset[str]


@dataclass(frozen=True, slots=True)
class CountryPoints:
    """Points for a country on the FATF lists, plus the bank's own country assessments."""

    call_for_action: Points
    increased_monitoring: Points
    own_assessment: Mapping[str, Points]


@dataclass(frozen=True, slots=True)
class HitPoints:
    """Points for a screening hit of one list category: a match, or a near match."""

    match: Points
    near: Points


@dataclass(frozen=True, slots=True)
class RiskBands:
    """Score thresholds: `score >= medium_from` is at least medium, `>= high_from` high."""

    medium_from: int
    high_from: int

    def level(self, score: int) -> RiskLevel:
        if score >= self.high_from:
            return RiskLevel.HIGH
        if score >= self.medium_from:
            return RiskLevel.MEDIUM
        return RiskLevel.LOW


@dataclass(frozen=True, slots=True)
class RiskModel:
    """Every weight of the rating; built from the `risk:` section of the policy file."""

    bands: RiskBands
    countries: CountryPoints
    country_list: CountryRiskList
    pep: Points
    products: Mapping[str, Points]
    channels: Mapping[str, Points]
    occupations: Mapping[str, Points]
    occupation_not_given: Points
    screening: Mapping[ListCategory, HitPoints]
    identity: Mapping[IdentityVerdict, Points]
    ring_involvement: Mapping[Severity, Points]
    review_periods: Mapping[RiskLevel, Period]
