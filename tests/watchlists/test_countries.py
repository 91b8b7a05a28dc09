from __future__ import annotations

import pytest

from watchlists.countries import countries_in, split_countries, to_iso2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Iran (Islamic Republic of)", "IR"),
        ("Korea, North", "KP"),
        ("Korea, South", "KR"),
        ("Democratic People's Republic of Korea", "KP"),
        ("DPRK", "KP"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Congo (Democratic Republic)", "CD"),
        ("Democratic Republic of the Congo", "CD"),
        ("Syrian Arab Republic", "SY"),
        ("Russian Federation", "RU"),
        ("Burma", "MM"),
        ("Myanmar/Burma", "MM"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("Region: Gaza", "PS"),
        ("Palestinian", "PS"),
        ("Kosovo", "XK"),
        ("Iranian", "IR"),
        ("Belarusian", "BY"),
        ("United States of America", "US"),
        ("ru", "RU"),
        ("Former USSR Currently Ukraine", "UA"),
        ("Ukrainian SSR (now Ukraine)", "UA"),
        ("Russian Federation (citizen)", "RU"),
        ("Niger", "NE"),
        ("Nigeria", "NG"),
        ("Guinea-Bissau", "GW"),
    ],
)
def test_list_spellings_map_to_iso(text: str, code: str) -> None:
    assert to_iso2(text) == code


@pytest.mark.parametrize(
    "text", ["", "undetermined", "Former USSR", "Region: Kafia Kingi", "Moscow", "ZZ"]
)
def test_unknown_places_are_not_guessed(text: str) -> None:
    assert to_iso2(text) is None


def test_cells_naming_several_countries() -> None:
    assert split_countries("(a) German, (b) Moroccan") == (["DE", "MA"], [])
    assert split_countries("Russian and Belarusian") == (["RU", "BY"], [])
    assert split_countries("(a) Trinidad and Tobago; (b) United States of America") == (
        ["TT", "US"],
        [],
    )
    assert split_countries("Syrian/Iranian") == (["SY", "IR"], [])
    assert countries_in(["Russia", "Russian", "Atlantis"]) == (("RU",), ("Atlantis",))
