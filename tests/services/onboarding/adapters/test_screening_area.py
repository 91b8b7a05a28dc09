"""Onboarding over the screening area's real matcher (an in-memory list version)."""

from __future__ import annotations

import dataclasses
from datetime import date

from services.onboarding.adapters.screening_area import ScreeningAreaScreener
from services.onboarding.core.application import ApplicantData
from services.onboarding.core.checks import ListCategory
from services.onboarding.core.customer import IdentityDocument
from services.onboarding.core.policy import Outcome
from services.onboarding.core.reasons import ClientReason
from services.screening.ports import StaticLists
from tests.services.onboarding.world import World, applicant, command
from tests.services.screening.support import clock, deps_with, person
from watchlists.model import Identifier, IdentifierKind, PartialDate

SANCTIONED = person(
    "ofac_sdn:9001",
    "Yevgeniy Viktorovich PRIGOZHIN",
    birth_dates=(PartialDate(1961, 6, 1),),
    nationalities=("RU",),
    identifiers=(Identifier(IdentifierKind.PASSPORT, "RU1234567", "RU"),),
    topics=("sanction",),
)
POLITICIAN = person("pep:Q1", "Anna Maria LINDQVIST", topics=("role.pep",))


def world_with(*entries: object) -> tuple[World, ScreeningAreaScreener]:
    deps, _ = deps_with(tuple(entries))  # type: ignore[arg-type]
    screener = ScreeningAreaScreener(deps)
    world = World()
    world.screening = screener  # type: ignore[assignment]
    return world, screener


def prigozhin() -> ApplicantData:
    who = applicant("Prigozhin", nationality="RU", residence="RU", birth_date=date(1961, 6, 1))
    document = IdentityDocument("passport", "RU1234567", "RU")
    personal = dataclasses.replace(who.personal, given_names="Yevgeniy", document=document)
    return dataclasses.replace(who, personal=personal)


def test_a_sanctioned_name_is_a_possible_match_with_its_evidence() -> None:
    world, _ = world_with(SANCTIONED, POLITICIAN)
    result = world.onboard(command(who=prigozhin()))
    assert result.view.outcome is Outcome.PENDING_REVIEW
    assert result.view.reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
    checks = world.applications.get(result.application_id).checks
    assert checks is not None
    assert checks.screening is not None
    (hit,) = [h for h in checks.screening.hits if h.entry_id == "ofac_sdn:9001"]
    assert (hit.category, hit.is_match, hit.identifier_match) == (
        ListCategory.SANCTIONS,
        True,
        True,
    )
    assert hit.entry_hash == SANCTIONED.content_hash()
    assert hit.explanation
    matches = [a.match for a in world.alerts.alerts.values() if a.match is not None]
    assert [m.list_entry_id for m in matches] == ["ofac_sdn:9001"]


def test_a_clean_name_is_approved_and_monitored() -> None:
    world, screener = world_with(SANCTIONED)
    result = world.onboard(command())
    assert result.view.outcome is Outcome.APPROVED
    monitored = screener.deps.customers.get(result.customer_id)
    assert monitored is not None


def test_no_list_loaded_is_not_clear() -> None:
    world, screener = world_with()
    screener.deps.lists = StaticLists((), clock)
    result = world.onboard(command())
    assert result.view.outcome is Outcome.PENDING_REVIEW
    checks = world.applications.get(result.application_id).checks
    assert checks is not None
    assert checks.screening is None
