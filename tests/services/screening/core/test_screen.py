"""Screening against a small list: the traps from the OpenSanctions and Watchman trackers."""

from __future__ import annotations

from typing import Any

import pytest

from services.common.errors import InvalidArgument
from services.screening.core.index import CandidateIndex
from services.screening.core.screen import (
    ScreeningResult,
    ScreenOptions,
    compare_parties,
    screen_party,
)
from watchlists.model import Gender, Identifier, IdentifierKind, Name, PartialDate, Party, Schema

OPTIONS = ScreenOptions()


def query(*names: str, schema: Schema = Schema.PERSON, **fields: Any) -> Party:
    return Party("applicant-1", schema, tuple(Name(n) for n in names), **fields)


def screen(index: CandidateIndex, *names: str, **fields: Any) -> ScreeningResult:
    return screen_party(query(*names, **fields), index, OPTIONS)


def hit_ids(result: ScreeningResult) -> set[str]:
    return {m.entry.id for m in result.hits}


def test_jon_smith_matches_john_smith(index: CandidateIndex) -> None:
    assert hit_ids(screen(index, "Jon Smith")) == {"ofac:smith", "ofac:smith2"}


def test_george_bush_is_not_george_habash(index: CandidateIndex) -> None:
    assert "un:habash" not in hit_ids(screen(index, "George Bush"))


def test_query_reduced_to_a_legal_form_is_refused(index: CandidateIndex) -> None:
    for name in ("LLC", "Corp.", "Limited Liability Company"):
        with pytest.raises(InvalidArgument) as caught:
            screen(index, name, schema=Schema.ORGANIZATION)
        assert caught.value.reason == "NAME_NOT_DISTINCTIVE"


def test_a_legal_form_shared_with_listed_companies_matches_none(index: CandidateIndex) -> None:
    assert hit_ids(screen(index, "Blue Horizon LLC", schema=Schema.ORGANIZATION)) == set()


def test_a_common_given_name_alone_matches_nobody(index: CandidateIndex) -> None:
    assert hit_ids(screen(index, "Mohammed")) == set()


def test_sharing_only_common_names_is_not_a_match(index: CandidateIndex) -> None:
    assert hit_ids(screen(index, "Mohammed Ali Rahimi")) == set()


def test_single_token_query_finds_the_rare_name(index: CandidateIndex) -> None:
    assert hit_ids(screen(index, "Hannibol")) == {"uk:hannibal"}
    assert "eu:putin" in {m.entry.id for m in screen(index, "Putin").matches}


def test_cross_script_query_matches(index: CandidateIndex) -> None:
    assert "eu:putin" in hit_ids(screen(index, "Владимир Путин"))
    assert "un:xi" in hit_ids(screen(index, "Xi Jinping"))
    assert "un:kim" in hit_ids(screen(index, "김정은"))


def test_transliteration_variant_is_explained(index: CandidateIndex) -> None:
    result = screen(index, "Evgenii Prigojin")
    top = result.matches[0]
    assert top.entry.id == "ofac:prigozhin"
    assert top.match
    detail = top.explanations[0].detail
    assert "'EVGENII' ≈ 'EVGENY'" in detail or "'EVGENII' ≈ 'YEVGENIY'" in detail


def test_name_with_birth_date_and_nationality_outranks_the_bare_name(index: CandidateIndex) -> None:
    result = screen(
        index, "John Smith", birth_dates=(PartialDate(1970, 5, 1),), nationalities=("GB",)
    )
    scores = {m.entry.id: m.score for m in result.matches}
    assert scores["ofac:smith"] > 1.0 > scores["ofac:smith2"]


def test_birth_date_with_day_and_month_swapped_still_counts(index: CandidateIndex) -> None:
    result = screen(index, "Vladimir Putin", birth_dates=(PartialDate(1952, 7, 10),))
    putin = next(m for m in result.matches if m.entry.id == "eu:putin")
    assert any("swapped" in e.detail for e in putin.explanations)
    assert putin.score > 1.0


def test_clear_birth_date_and_gender_mismatch_lower_the_score(index: CandidateIndex) -> None:
    plain = screen(index, "Vladimir Putin").matches[0].score
    result = screen(
        index, "Vladimir Putin", birth_dates=(PartialDate(1990, 1, 1),), gender=Gender.FEMALE
    )
    assert result.matches[0].score < plain


def test_exact_passport_is_near_certain(index: CandidateIndex) -> None:
    with_passport = screen(
        index, "Aly Hasan", identifiers=(Identifier(IdentifierKind.PASSPORT, "N 1234567"),)
    )
    top = with_passport.matches[0]
    assert top.entry.id == "un:passport"
    assert any(e.feature == "identifier_match" for e in top.explanations)
    assert top.score > 1.2


def test_threshold_is_separate_from_cutoff(index: CandidateIndex) -> None:
    options = ScreenOptions(threshold=1.05, cutoff=0.3)
    result = screen_party(query("Vladimir Putin"), index, options)
    assert result.matches
    assert not result.hits


def test_lists_option_restricts_sources(index: CandidateIndex) -> None:
    result = screen_party(query("John Smith"), index, ScreenOptions(lists=frozenset({"un"})))
    assert all(m.entry.source == "un" for m in result.matches)


def test_limit_caps_results(index: CandidateIndex) -> None:
    assert len(screen_party(query("John Smith"), index, ScreenOptions(limit=1)).matches) == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"threshold": 0.0}, "options.threshold"),
        ({"limit": 0}, "options.limit"),
        ({"cutoff": -1.0}, "options.cutoff"),
    ],
)
def test_bad_options_are_field_violations(options: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        ScreenOptions(**options)  # type: ignore[arg-type]
    assert caught.value.violations[0].field == field


def test_bad_name_reports_its_position(index: CandidateIndex) -> None:
    with pytest.raises(InvalidArgument) as caught:
        screen(index, "Vladimir Putin", "\u200b\u202e")
    assert caught.value.violations[0].field == "party.names[1].full"


def test_bidi_and_zero_width_tricks_do_not_hide_a_listed_name(index: CandidateIndex) -> None:
    assert "eu:putin" in hit_ids(screen(index, "Vla\u200ddimir \u202ePu\u200btin\u202c"))


def test_compare_explains_every_feature_that_fired(index: CandidateIndex) -> None:
    entry = next(p.party for p in index.parties if p.party.id == "eu:putin")
    result = compare_parties(
        query("Putin Vladimir", nationalities=("RU",), birth_dates=(PartialDate(1952),)),
        entry,
        index.stats,
    )
    features = {e.feature: e for e in result.explanations}
    assert set(features) == {"name_similarity", "birth_date", "nationality"}
    assert features["birth_date"].detail.startswith("same birth year")
    assert "'PUTIN' = 'PUTIN'" in features["name_similarity"].detail


def test_nasab_reversal_is_not_a_match(index: CandidateIndex) -> None:
    assert "uk:rawi" not in hit_ids(screen(index, "SALMAN BIN MUHAMMAD AL-RAWI"))
    assert "uk:rawi" in hit_ids(screen(index, "Muhammad bin Salman al-Rawi"))


def test_person_query_does_not_match_a_vessel_of_the_same_name(index: CandidateIndex) -> None:
    assert "ofac:vessel" not in hit_ids(screen(index, "Snow Storm"))


def test_organisation_with_legal_form_variant(index: CandidateIndex) -> None:
    result = screen(index, "PAO Gazprom", schema=Schema.ORGANIZATION)
    assert "ofac:gazprom" in hit_ids(result)


def test_organisation_screened_by_its_initials() -> None:
    listed = Party("eu:pla", Schema.ORGANIZATION, (Name("People's Liberation Army"),))
    others = [Party(f"x:{n}", Schema.ORGANIZATION, (Name(f"Peoples Bank {n}"),)) for n in "ab"]
    index = CandidateIndex([listed, *others])
    result = screen_party(query("PLA", schema=Schema.ORGANIZATION), index, OPTIONS)
    assert hit_ids(result) == {"eu:pla"}


def test_each_name_of_a_slashed_pair_is_screened_on_its_own() -> None:
    listed = Party(
        "eu:leonov", Schema.PERSON, (Name("Юрий Владимирович ЛЕОНОВ / Юрiй Володимирович ЛЕОНОВ"),)
    )
    index = CandidateIndex([listed, Party("x:1", Schema.PERSON, (Name("Ivan Petrov"),))])
    assert len(index.parties[0].names) == 2
    (hit,) = screen(index, "Yuriy Vladimirovich Leonov").hits
    assert hit.entry.id == "eu:leonov"
    assert hit.score >= 0.95  # the other language's three words are not counted as extra
