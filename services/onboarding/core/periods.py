"""Calendar periods ("5y", "18m", "90d", "1y6m") for review cycles and retention.

Regulations count retention in calendar years ("five years after the end of the business
relationship", EU AMLD art. 40), so a period is years + months + days added on the calendar,
not a number of seconds: 29 February plus one year is 28 February.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_PERIOD = re.compile(r"^(?:(\d{1,3})y)?(?:(\d{1,4})m)?(?:(\d{1,5})d)?$")


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period; at least one part is positive."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0:
            raise ValueError("period parts cannot be negative")
        if not (self.years or self.months or self.days):
            raise ValueError("a period must be longer than zero")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'5y', '18m', '90d', '1y6m' (years, months, days in that order)."""
        found = _PERIOD.match(text.strip().lower())
        if not text.strip() or found is None:
            raise ValueError(f"{text!r} is not a period such as '5y', '18m', '90d' or '1y6m'")
        years, months, days = (int(part or 0) for part in found.groups())
        return cls(years, months, days)

    def after(self, start: date) -> date:
        """The day this period after `start` (month ends clamp: 31 Jan + 1m = 28/29 Feb)."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = [f"{v}{u}" for v, u in ((self.years, "y"), (self.months, "m"), (self.days, "d"))]
        return "".join(p for p in parts if not p.startswith("0"))
