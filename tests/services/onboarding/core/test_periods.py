from __future__ import annotations

from datetime import date

import pytest

from services.onboarding.core.periods import Period


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("5y", Period(5)),
        ("18m", Period(months=18)),
        ("90d", Period(days=90)),
        ("1y6m", Period(1, 6)),
        (" 2Y ", Period(2)),
        ("1y2m3d", Period(1, 2, 3)),
    ],
)
def test_parse(text: str, period: Period) -> None:
    assert Period.parse(text) == period


@pytest.mark.parametrize("text", ["", "5", "y", "5 years", "-1y", "0y", "6m1y", "1y1y"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(5), date(2020, 6, 30), date(2025, 6, 30)),
        (Period(1), date(2024, 2, 29), date(2025, 2, 28)),  # leap day clamps
        (Period(4), date(2024, 2, 29), date(2028, 2, 29)),
        (Period(months=1), date(2025, 1, 31), date(2025, 2, 28)),
        (Period(months=14), date(2025, 11, 15), date(2027, 1, 15)),
        (Period(days=90), date(2025, 1, 1), date(2025, 4, 1)),
        (Period(1, 1, 1), date(2025, 1, 31), date(2026, 3, 1)),
    ],
)
def test_after_is_calendar_arithmetic(period: Period, start: date, end: date) -> None:
    assert period.after(start) == end


def test_text_round_trip() -> None:
    assert str(Period(1, 6)) == "1y6m"
    assert str(Period(days=10)) == "10d"
    assert Period.parse(str(Period(3, 0, 7))) == Period(3, 0, 7)
