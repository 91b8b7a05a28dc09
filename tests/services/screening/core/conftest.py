"""A small, hand-made list snapshot the screening unit tests share.

Names are modelled on real list entries but the records are invented for tests; rarity
statistics come from this corpus, so common words here ("Mohammed", "Ali", "Smith") are
common on purpose.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.screening.core.index import CandidateIndex
from watchlists.model import (
    Gender,
    Identifier,
    IdentifierKind,
    Name,
    NameQuality,
    PartialDate,
    Party,
    Schema,
)


def person(party_id: str, *names: str, **fields: Any) -> Party:
    primary, *aliases = names
    all_names = (Name(primary), *(Name(a, NameQuality.STRONG_ALIAS) for a in aliases))
    return Party(party_id, Schema.PERSON, all_names, source=party_id.split(":")[0], **fields)


def organisation(party_id: str, *names: str) -> Party:
    return Party(
        party_id, Schema.ORGANIZATION, tuple(Name(n) for n in names), source=party_id.split(":")[0]
    )


LIST_ENTRIES: tuple[Party, ...] = (
    person(
        "eu:putin",
        "Vladimir Vladimirovich PUTIN",
        "Владимир Владимирович Путин",
        birth_dates=(PartialDate(1952, 10, 7),),
        nationalities=("RU",),
        gender=Gender.MALE,
    ),
    person("ofac:prigozhin", "PRIGOZHIN, Yevgeniy Viktorovich", "PRIGOJIN, Evgeny"),
    person("un:habash", "George HABASH", birth_dates=(PartialDate(1926),)),
    person(
        "ofac:smith", "John SMITH", birth_dates=(PartialDate(1970, 5, 1),), nationalities=("GB",)
    ),
    person(
        "ofac:smith2", "John SMITH", birth_dates=(PartialDate(1985, 2, 2),), nationalities=("US",)
    ),
    person("un:aliomar", "Mohammed Ali OMAR"),
    person("un:yusuf", "Mohammed YUSUF"),
    person("un:hassan", "Mohammed HASSAN ALI"),
    person("un:kim", "KIM JONG UN", "김정은"),
    person("un:xi", "XI Jinping", "习近平"),
    person("un:ahmed", "Ahmed ALI", "Ahmed Ali KHAN"),
    person("uk:rawi", "MUHAMMAD BIN SALMAN AL-RAWI"),
    person("uk:obama", "Barack OBAMA"),
    person("uk:hannibal", "HANNIBAL"),
    person(
        "un:passport", "Ali HASSAN", identifiers=(Identifier(IdentifierKind.PASSPORT, "N-1234567"),)
    ),
    organisation("ofac:gazprom", "Open Joint Stock Company Gazprom", "OAO Gazprom"),
    organisation("ofac:krasoty", "LIMITED LIABILITY COMPANY ISKUSSTVO KRASOTY"),
    organisation("ofac:sparkles", "Sparkles Trading LLC"),
    organisation("ofac:rosneft", "Rosneft Oil Company LLC"),
    organisation("eu:acme", "Acme Corporation"),
    Party(
        "ofac:vessel",
        Schema.VESSEL,
        (Name("SNOW STORM"),),
        source="ofac",
        identifiers=(Identifier(IdentifierKind.IMO, "9123456"),),
    ),
)


@pytest.fixture(scope="session")
def index() -> CandidateIndex:
    return CandidateIndex(LIST_ENTRIES)
