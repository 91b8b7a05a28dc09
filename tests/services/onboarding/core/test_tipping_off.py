"""Tipping-off: nothing the applicant's side receives reveals lists, countries or risk."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ListCategory,
    ScreeningHit,
    ScreeningOutcome,
)
from services.onboarding.core.decision import ClientView, client_view
from services.onboarding.core.policy import Outcome
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.risk import CountryLink, CountryRole, RiskProfile
from services.onboarding.core.signals import SIGNALS
from tests.services.onboarding.factories import default_policy, evaluate

INTERNAL_ONLY = {r.value for r in InternalReason} - {r.value for r in ClientReason}
ENTRY_IDS = ("ofac_sdn:36", "un_sc:QDi.001", "eu_fsf:EU.27.28", "pep:Q7747", "us_bis_dpl:9")
LIST_WORDS = ("ofac", "sdn", "un_sc", "eu_fsf", "pep", "sanction", "watchlist", "fatf")

hits = st.builds(
    ScreeningHit,
    entry_id=st.sampled_from(ENTRY_IDS),
    category=st.sampled_from(ListCategory),
    score=st.floats(0.5, 1.5),
    is_match=st.booleans(),
    identifier_match=st.booleans(),
)
identities = st.none() | st.builds(
    IdentityOutcome,
    verdict=st.sampled_from(IdentityVerdict),
    findings=st.frozensets(st.sampled_from(IdentityFinding), max_size=3),
)
screenings = st.none() | st.builds(ScreeningOutcome, hits=st.lists(hits, max_size=4).map(tuple))
policy = default_policy()
profiles = st.builds(
    RiskProfile,
    product=st.sampled_from(sorted(policy.risk.products)),
    channel=st.sampled_from(sorted(policy.risk.channels)),
    countries=st.lists(
        st.builds(
            CountryLink,
            st.sampled_from(CountryRole),
            st.sampled_from(["DE", "IR", "KE", "FR", "KP"]),
        ),
        max_size=3,
    ).map(tuple),
    occupation=st.none() | st.sampled_from(sorted(policy.risk.occupations)),
    declared_pep=st.booleans(),
)


def rendered(view: ClientView) -> str:
    return repr(dataclasses.asdict(view)).lower()


def test_the_client_view_has_no_room_for_internal_detail() -> None:
    assert [f.name for f in dataclasses.fields(ClientView)] == ["outcome", "reasons", "resubmit"]


@settings(max_examples=250, deadline=None)
@given(identity=identities, screening=screenings, profile=profiles)
def test_no_decision_path_leaks_internal_detail(
    identity: IdentityOutcome | None, screening: ScreeningOutcome | None, profile: RiskProfile
) -> None:
    decision = evaluate(CheckOutcomes(identity, screening), profile)
    view = client_view(decision)
    text = rendered(view)
    assert all(isinstance(reason, ClientReason) for reason in view.reasons)
    assert not any(code.lower() in text for code in INTERNAL_ONLY)
    assert not any(word in text for word in LIST_WORDS)
    assert not any(name in text for name in SIGNALS)
    assert not any(entry.lower() in text for entry in ENTRY_IDS)
    assert "high" not in text
    assert "medium" not in text
    # A refusal or a review always comes with at least one reason the client can act on.
    if view.outcome is not Outcome.APPROVED:
        assert view.reasons


@settings(max_examples=200, deadline=None)
@given(screening=screenings, profile=profiles)
def test_with_a_clean_identity_only_neutral_reasons_reach_the_client(
    screening: ScreeningOutcome | None, profile: RiskProfile
) -> None:
    clean = IdentityOutcome(IdentityVerdict.APPROVED)
    view = client_view(evaluate(CheckOutcomes(clean, screening), profile))
    # Everything that can still go wrong is confidential: the client learns nothing specific.
    assert all(reason.neutral for reason in view.reasons)


def test_a_sanctioned_applicant_and_a_typo_look_alike_to_the_client() -> None:
    sanctioned = evaluate(
        CheckOutcomes(
            IdentityOutcome(IdentityVerdict.APPROVED),
            ScreeningOutcome((ScreeningHit("ofac_sdn:36", ListCategory.SANCTIONS, 0.97, True),)),
        )
    )
    reviewed = evaluate(CheckOutcomes(IdentityOutcome(IdentityVerdict.REVIEW), ScreeningOutcome()))
    assert client_view(sanctioned) == client_view(reviewed)
    assert sanctioned.internal_reasons != reviewed.internal_reasons
