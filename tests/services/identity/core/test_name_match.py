"""Typed names against MRZ names: diacritics, other scripts, digraphs, truncation, word order."""

from __future__ import annotations

from datetime import date

from services.identity.core.mrz import MrzDocument, parse_mrz
from services.identity.core.name_match import name_similarity, transliterations

LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
TODAY = date(2010, 1, 1)


def _mrz(name_field: str) -> MrzDocument:
    return parse_mrz((f"P<UTO{name_field}".ljust(44, "<")[:44], LINE2), TODAY)


def test_transliterations_include_anyascii_and_icao_digraphs() -> None:
    assert transliterations("Müller") == {"MULLER", "MUELLER"}
    assert transliterations("Эрикссон") == {"ERIKSSON"}


def test_other_scripts_match_their_latin_mrz() -> None:
    assert name_similarity("Эрикссон", "Анна Мария", _mrz("ERIKSSON<<ANNA<MARIA")) >= 85


def test_truncated_mrz_name_matches_the_full_typed_name() -> None:
    mrz = _mrz("VANDERSTRAETEN<DE<LA<MONTAGNE<<MARIE<CHARLOTT")
    assert mrz.names_truncated
    assert name_similarity("Vanderstraeten de la Montagne", "Marie Charlotte", mrz) == 100


def test_word_order_is_ignored_but_another_person_is_not() -> None:
    mrz = _mrz("ERIKSSON<<ANNA<MARIA")
    assert name_similarity("Anna", "Eriksson Maria", mrz) == 100
    assert name_similarity("Smith", "John", mrz) < 50
