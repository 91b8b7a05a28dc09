"""Word similarity and name alignment: the cases real screening meets."""

from __future__ import annotations

import pytest

from services.screening.core.align import align_names
from services.screening.core.compare import Relation, name_weights_for
from services.screening.core.names import WordStats, prepare_name
from watchlists.model import Schema

EMPTY = WordStats.empty()


def score(a: str, b: str, schema: Schema = Schema.PERSON) -> float:
    left, right = prepare_name(a, schema, EMPTY), prepare_name(b, schema, EMPTY)
    return align_names(left, right, name_weights_for(schema)).score


def relations(a: str, b: str) -> set[Relation]:
    aligned = align_names(
        prepare_name(a, Schema.PERSON, EMPTY), prepare_name(b, Schema.PERSON, EMPTY)
    )
    return {p.relation for p in aligned.pairs}


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("Jon Smith", "John Smith"),
        ("Putin, Vladimir", "Vladimir Putin"),
        ("Vladimir Vladimirovich Putin", "Vladimir Putin"),
        ("VladimirPutin", "Vladimir Putin"),
        ("Olaf Scholze", "Olaf Scholz"),
        ("Moammar Qaddafi", "Muammar Gaddafi"),
        ("Usama bin Ladin", "Osama bin Laden"),
        ("Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"),
        ("Hans J Friedrich", "Hans Joachim Friedrich"),
        ("Владимир Путин", "Vladimir Putin"),
        ("Євгеній Пригожин", "Yevgeniy Prigozhin"),
        ("فلاديمير بوتين", "Vladimir Putin"),
        ("Βλαντίμιρ Πούτιν", "Vladimir Putin"),
        ("김정은", "Kim Jong Un"),
        ("习近平", "Xi Jinping"),
        ("Nikolai Plat Ono Vich Patrushev", "Nikolai Platonovich Patrushev"),
        ("JC Juncker", "Jean-Claude Juncker"),
    ],
)
def test_same_person_scores_high(query: str, entry: str) -> None:
    assert score(query, entry) >= 0.8


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("George Bush", "George Habbash"),
        ("Sergey Prigozhin", "Yevgeny Prigozhin"),
        ("Sergey Viktorovich Lavrov", "Sergey Borisovich Lavrov"),
        ("Hans O Friedrich", "Hans Joachim Friedrich"),
        ("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI"),
        ("习近朋", "习近平"),
        ("김종은", "김정은"),
        ("Vladimir Putin", "Vladimir Potanin"),
        ("Malik Ruslanovich Barakhoev", "Malik Ruslanovich Barkhanoev"),
        ("Ed Smith", "Eric Dan Smith"),  # a short given name, not initials
        ("Murad Maroghashvili", "Murad Margoshvili"),  # same consonants, a syllable more
    ],
)
def test_different_people_score_low(query: str, entry: str) -> None:
    assert score(query, entry) < 0.7


def test_known_variant_is_named_as_such() -> None:
    assert Relation.VARIANT in relations("Mohammed Omar", "Muhammad Omar")


def test_cross_script_pairs_are_explained_as_skeletons() -> None:
    assert Relation.SKELETON in relations("فلاديمير بوتين", "Vladimir Putin")


def test_organisation_legal_form_variants_match() -> None:
    assert score("OAO Gazprom", "Open Joint Stock Company Gasprom", Schema.ORGANIZATION) >= 0.8
    assert (
        score(
            "Iskusstvo Krasoty", "LIMITED LIABILITY COMPANY ISKUSSTVO KRASOTY", Schema.ORGANIZATION
        )
        >= 0.8
    )


def test_shared_legal_form_alone_is_no_match() -> None:
    assert score("Siemens AG", "Volkswagen AG", Schema.ORGANIZATION) == 0.0


def test_a_legal_form_written_onto_the_name_still_matches() -> None:
    assert score("Siemens AG", "SiemensAG", Schema.ORGANIZATION) == 1.0
    assert score("Acme Trading Ltd", "ACME TRADINGLTD", Schema.ORGANIZATION) == 1.0


def test_organisation_qualifier_lowers_the_score() -> None:
    assert score("Banco Santander", "Banco Santander", Schema.ORGANIZATION) > score(
        "Banco Santander", "Banco Santander Chile", Schema.ORGANIZATION
    )


def test_missing_middle_name_costs_less_than_a_different_one() -> None:
    missing = score("Hans Friedrich", "Hans Joachim Friedrich")
    different = score("Hans Otto Friedrich", "Hans Joachim Friedrich")
    assert missing > different


@pytest.mark.parametrize(
    "entry",
    [
        "Tactical Missiles Corporation Joynt Stock Company",  # one word of the form misspelt
        "Tactical Missiles Corporation Joint Stock Compan",  # cut off at a field length
    ],
)
def test_legal_form_with_one_word_off_still_folds(entry: str) -> None:
    query = "Tactical Missiles Corporation Joint Stock Company"
    assert score(query, entry, Schema.ORGANIZATION) >= 0.8


def test_organisation_initials_pair_with_its_words() -> None:
    assert score("PLA", "People's Liberation Army", Schema.ORGANIZATION) >= 0.8
    assert score("PLA", "People's Liberation Front", Schema.ORGANIZATION) == 0.0


def test_a_one_word_query_is_not_held_against_the_words_it_left_out() -> None:
    assert score("Erdogan", "Recep Tayyip Erdogan") >= 0.8
    # Two words that agree with a longer name still pay in full for what they leave out.
    assert score("Banco Santander", "Banco Santander Chile", Schema.ORGANIZATION) < 0.8
