from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from watchlists.model import (
    Identifier,
    IdentifierKind,
    Name,
    NameQuality,
    PartialDate,
    Party,
    Schema,
    party_from_dict,
    party_to_dict,
)


def _party(**overrides: object) -> Party:
    base: dict[str, object] = {
        "id": "ofac_sdn:36",
        "schema": Schema.PERSON,
        "names": (
            Name("PRIGOZHIN, Yevgeniy Viktorovich"),
            Name("PRIGOJIN", NameQuality.WEAK_ALIAS),
        ),
        "source": "ofac_sdn",
        "source_id": "36",
        "birth_dates": (PartialDate(1961, 6, 1), PartialDate(1958, year_to=1962)),
        "nationalities": ("RU",),
        "identifiers": (Identifier(IdentifierKind.PASSPORT, "AB-123 456", "RU"),),
        "listed_on": date(2016, 12, 20),
    }
    base.update(overrides)
    return Party(**base)  # type: ignore[arg-type]


def test_round_trip_through_dict_is_lossless() -> None:
    party = _party()
    assert party_from_dict(party_to_dict(party)) == party


def test_content_hash_ignores_id_but_sees_every_other_field() -> None:
    party = _party()
    assert party.content_hash() == _party(id="other:1").content_hash()
    assert party.content_hash() != _party(nationalities=("UA",)).content_hash()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 1700}, "outside"),
        ({"year": 1970, "month": 13}, "month"),
        ({"year": 1970, "month": 2, "day": 30}, "day is out of range"),
        ({"year": 1970, "day": 3}, "needs a month"),
        ({"year": 1970, "year_to": 1960}, "backwards"),
    ],
)
def test_partial_date_rejects_impossible_dates(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartialDate(**kwargs)


def test_partial_date_iso_keeps_precision() -> None:
    assert PartialDate(1972).iso() == "1972"
    assert PartialDate(1972, 3).iso() == "1972-03"
    assert PartialDate(1972, 3, 5).iso() == "1972-03-05"
    assert PartialDate(1958, year_to=1962).iso() == "1958/1962"


def test_party_rejects_non_iso_country_and_missing_name() -> None:
    with pytest.raises(ValueError, match="alpha-2"):
        _party(nationalities=("Russia",))
    with pytest.raises(ValueError, match="no name"):
        _party(names=())


def test_identifier_normalised_strips_separators() -> None:
    assert Identifier(IdentifierKind.PASSPORT, "ab-123 456").normalised == "AB123456"
