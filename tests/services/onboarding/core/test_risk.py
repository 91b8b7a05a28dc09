"""The customer risk rating: factors, points, floors, bands and review dates."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.onboarding.core.checks import IdentityVerdict, ListCategory
from services.onboarding.core.risk import CountryRole, RiskRating
from services.onboarding.core.risk_model import RiskLevel
from tests.services.onboarding.factories import NOW, checks, hit, identity, profile, rate, screening


def points(rating: RiskRating) -> dict[str, int]:
    return {f.code: f.points for f in rating.factors}


def detail(rating: RiskRating, code: str) -> str:
    (factor,) = [f for f in rating.factors if f.code == code]
    return factor.detail


def test_clean_applicant_lists_every_considered_factor() -> None:
    rating = rate(checks(), profile())
    assert points(rating) == {"product": 0, "channel": 10, "occupation": 0, "identity": 0}
    assert (rating.score, rating.level) == (10, RiskLevel.LOW)
    assert rating.review_due == date(2031, 3, 2)  # low: 5 years
    assert rating.rated_at == NOW
    assert rating.country_list_as_of == date(2025, 6, 13)


def test_score_is_the_sum_and_the_band_follows_it() -> None:
    rating = rate(
        checks(),
        profile(
            (CountryRole.NATIONALITY, "KE"), product="international_payments", channel="online"
        ),
    )
    assert points(rating) == {
        "country": 25,
        "product": 20,
        "channel": 10,
        "occupation": 0,
        "identity": 0,
    }
    assert (rating.score, rating.level) == (55, RiskLevel.MEDIUM)
    assert rating.review_due == date(2029, 3, 2)  # medium: 3 years


def test_a_floor_raises_the_rating_whatever_the_score() -> None:
    rating = rate(checks(), profile(channel="branch", declared_pep=True))
    assert rating.score == 40  # below the high band (60)...
    assert rating.level is RiskLevel.HIGH  # ...but a PEP is high risk by regulation
    assert rating.review_due == date(2027, 3, 2)


def test_country_counted_once_for_the_riskiest_link() -> None:
    rating = rate(
        checks(),
        profile(
            (CountryRole.NATIONALITY, "IR"),
            (CountryRole.RESIDENCE, "IR"),
            (CountryRole.DOCUMENT_ISSUER, "KE"),
        ),
    )
    assert points(rating)["country"] == 60
    assert [f.code for f in rating.factors].count("country") == 1
    assert detail(rating, "country") == (
        "nationality IR: FATF call for action (FATF plenary, June 2025); "
        "residence IR: FATF call for action (FATF plenary, June 2025); "
        "document_issuer KE: FATF increased monitoring (FATF plenary, June 2025)"
    )
    assert rating.level is RiskLevel.HIGH


def test_unlisted_countries_add_no_factor() -> None:
    rating = rate(checks(), profile((CountryRole.NATIONALITY, "FR")))
    assert "country" not in points(rating)


def test_pep_from_screening_counts_once_under_pep() -> None:
    rating = rate(
        checks(screening_outcome=screening(hit(ListCategory.PEP))), profile(declared_pep=True)
    )
    assert points(rating)["pep"] == 40
    assert "screening.pep" not in points(rating)
    assert (
        detail(rating, "pep")
        == "declared by the applicant; PEP list entry ofac_sdn:36 (score 0.91)"
    )


def test_pep_near_match_is_not_a_pep() -> None:
    rating = rate(
        checks(screening_outcome=screening(hit(ListCategory.PEP, is_match=False))), profile()
    )
    assert "pep" not in points(rating)


def test_screening_factor_takes_the_strongest_hit_per_category() -> None:
    rating = rate(
        checks(
            screening_outcome=screening(
                hit(is_match=False, score=0.7, entry_id="un_sc:1"),
                hit(is_match=True, score=0.8, entry_id="ofac_sdn:2"),
                hit(ListCategory.OTHER, is_match=False, score=0.6, entry_id="us_bis_dpl:3"),
            )
        ),
        profile(),
    )
    assert points(rating)["screening.sanctions"] == 30
    assert points(rating)["screening.other"] == 5
    assert (
        detail(rating, "screening.sanctions")
        == "match: ofac_sdn:2 (score 0.80); 2 entries returned"
    )


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (IdentityVerdict.APPROVED, 0),
        (IdentityVerdict.REVIEW, 10),
        (IdentityVerdict.RETRY, 5),
        (IdentityVerdict.DECLINED, 20),
    ],
)
def test_identity_verdict_points(verdict: IdentityVerdict, expected: int) -> None:
    assert points(rate(checks(identity(verdict)), profile()))["identity"] == expected


def test_missing_occupation_scores_its_own_points() -> None:
    rating = rate(checks(), profile(occupation=None))
    assert points(rating)["occupation"] == 10
    assert detail(rating, "occupation") == "occupation not given"


def test_unknown_catalogue_entries_are_field_violations() -> None:
    with pytest.raises(InvalidArgument) as caught:
        rate(
            checks(),
            profile(
                (CountryRole.NATIONALITY, "de"), product="gold", channel="fax", occupation="pirate"
            ),
        )
    fields = {v.field for v in caught.value.violations}
    assert fields == {"product", "channel", "occupation", "countries[0]"}
