"""Preparing names: words, kinds and weights."""

from __future__ import annotations

import pytest

from services.screening.core.names import WordStats, prepare_name
from services.screening.core.vocab import WordKind
from watchlists.model import Schema

EMPTY = WordStats.empty()


def _words(text: str, schema: Schema = Schema.PERSON) -> list[tuple[str, WordKind]]:
    return [(w.text, w.kind) for w in prepare_name(text, schema, EMPTY).words]


def test_person_titles_are_dropped_and_patronymics_marked() -> None:
    assert _words("President Vladimir Vladimirovich Putin") == [
        ("vladimir", WordKind.NAME),
        ("vladimirovich", WordKind.PATRONYMIC),
        ("putin", WordKind.NAME),
    ]


def test_surname_comma_form_is_detected() -> None:
    assert prepare_name("PUTIN, Vladimir", Schema.PERSON, EMPTY).comma_form


def test_initials_and_particles() -> None:
    assert _words("V. bin Laden") == [
        ("v", WordKind.INITIAL),
        ("bin", WordKind.PARTICLE),
        ("laden", WordKind.NAME),
    ]


def test_nasab_marks_the_fathers_name() -> None:
    words = prepare_name("Muhammad bin Salman", Schema.PERSON, EMPTY).words
    assert [w.father for w in words] == [False, False, True]


def test_legal_forms_fold_to_their_class() -> None:
    assert _words("Open Joint Stock Company Gazprom", Schema.ORGANIZATION) == [
        ("jsc", WordKind.LEGAL_FORM),
        ("gazprom", WordKind.NAME),
    ]
    assert _words("OAO Gazprom", Schema.ORGANIZATION)[0] == ("jsc", WordKind.LEGAL_FORM)
    assert _words("Siemens Aktiengeselschaft", Schema.ORGANIZATION)[1] == (
        "ag",
        WordKind.LEGAL_FORM,
    )


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("SiemensAG", ["siemens", "ag"]),  # the case change marks a short form
        ("MusterGmbH", ["muster", "gmbh"]),
        ("ACMELTD", ["acme", "ltd"]),  # no word ends in "ltd": cut whatever the case
        ("Springer Verlag", ["springer", "verlag"]),  # "-ag" without a case change stays
        ("ENTERPRISE", ["enterprise"]),  # and so does "-se"
        ("SIEMENSAG", ["siemensag"]),
    ],
)
def test_a_legal_form_written_onto_the_name_is_cut_off(written: str, words: list[str]) -> None:
    assert [text for text, _ in _words(written, Schema.ORGANIZATION)] == words


def test_glued_legal_forms_are_not_cut_from_person_names() -> None:
    assert _words("MacLLC") == [("macllc", WordKind.NAME)]


def test_dotted_initialisms_join_in_organisation_names() -> None:
    assert _words("L.X.C. Aviation", Schema.ORGANIZATION) == [
        ("lxc", WordKind.NAME),
        ("aviation", WordKind.NAME),
    ]


def test_numbers_spelled_out_and_roman() -> None:
    assert _words("Brigade Forty-four", Schema.ORGANIZATION)[1] == ("44", WordKind.NUMBER)
    assert _words("Fund VIII", Schema.ORGANIZATION)[1] == ("8", WordKind.NUMBER)
    assert _words("Brigade Forty 4", Schema.ORGANIZATION)[1] == ("44", WordKind.NUMBER)


def test_a_name_of_legal_forms_only_is_not_distinctive() -> None:
    assert not prepare_name("LLC", Schema.ORGANIZATION, EMPTY).distinctive
    assert not prepare_name("Corp. Ltd", Schema.ORGANIZATION, EMPTY).distinctive
    assert prepare_name("Acme LLC", Schema.ORGANIZATION, EMPTY).distinctive


def test_rare_words_weigh_more_than_common_ones() -> None:
    stats = WordStats.from_word_lists(
        [["mohammed", "ali"], ["mohammed", "omar"], ["mohammed", "putin"]]
    )
    assert stats.weight("putin") > stats.weight("mohammed")
    assert stats.weight("unseen") == 1.0
