from __future__ import annotations

from datetime import date

import pytest

from watchlists.dates import parse_dates, parse_day, parse_partial_date, parse_us_date
from watchlists.model import PartialDate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1965", PartialDate(1965)),
        ("13 May 1965", PartialDate(1965, 5, 13)),
        ("4 Apr. 1944", PartialDate(1944, 4, 4)),
        ("8 Oct.1970", PartialDate(1970, 10, 8)),
        ("2 December 1985", PartialDate(1985, 12, 2)),
        ("May 1965", PartialDate(1965, 5)),
        ("1965-05-13", PartialDate(1965, 5, 13)),
        ("1965-05", PartialDate(1965, 5)),
        ("13.5.1965", PartialDate(1965, 5, 13)),
        ("13/05/1965", PartialDate(1965, 5, 13)),
        ("00/00/1964", PartialDate(1964)),
        ("00/07/1961", PartialDate(1961, 7)),
        ("07/1961", PartialDate(1961, 7)),
        ("circa 1951", PartialDate(1951, circa=True)),
        ("Approximately 1952", PartialDate(1952, circa=True)),
        ("1970 circa", PartialDate(1970, circa=True)),
        ("1958 to 1962", PartialDate(1958, year_to=1962)),
        ("Between 1958 and 1962", PartialDate(1958, year_to=1962)),
        ("Between 1966 and 1967 (Approximately)", PartialDate(1966, year_to=1967, circa=True)),
        ("01 Jan 1960 to 31 Dec 1962", PartialDate(1960, year_to=1962)),
        ("Mar 1970 to Mar 1970", PartialDate(1970, 3)),
        ("01 Jan 1970 to 31 Dec 1970", PartialDate(1970)),
        ("2026-02-27T00:00:09.554Z", PartialDate(2026, 2, 27)),
    ],
)
def test_list_date_shapes(text: str, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "31/02/1970",
        "30-35 years old",
        "1343 (Iranian Hijri calendar)",
        "1962 to 1958",
        "Smarch 1970",
    ],
)
def test_impossible_or_unknown_dates_are_none_not_guesses(text: str) -> None:
    assert parse_partial_date(text) is None


def test_several_alternatives_in_one_cell() -> None:
    dates, unparsed = parse_dates("(a) 1.1.1958, (b) 31.12.1952, c) 28.10.1956")
    assert dates == [PartialDate(1958, 1, 1), PartialDate(1952, 12, 31), PartialDate(1956, 10, 28)]
    assert unparsed == []
    dates, unparsed = parse_dates("1970 or 1971; before 1964")
    assert dates == [PartialDate(1970), PartialDate(1971)]
    assert unparsed == ["before 1964"]


def test_full_days_and_us_month_first() -> None:
    assert parse_day("12/03/2016") == date(2016, 3, 12)
    assert parse_day("1964") is None
    assert parse_us_date("08/24/2022") == date(2022, 8, 24)
    assert parse_us_date("2023-11-28") == date(2023, 11, 28)
    assert parse_us_date("24/08/2022") is None
