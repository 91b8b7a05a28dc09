"""MRZ dates (YYMMDD) and the century the MRZ leaves out.

Birth: the latest century that does not put the birth in the future. That alone is a trap:
the Czech specimen (birth 110101, issued 2002, expiry 2012; its printed date of birth is
01.01.1911) comes out as 2011. The MRZ cannot tell these apart, so the parser also reports the
other plausible century and flags the birth as ambiguous when the document's own dates allow
both: the holder would have been born after the document was probably issued (expiry minus the
longest usual validity), and the older reading gives a living person. Callers decide with more
evidence (the applicant's typed date, a person looking at the printed page) instead of guessing.

Expiry: a window around today; the latest century not more than 20 years ahead (no passport
is valid that long, so a later reading must be a past date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_VALIDITY_YEARS = 10
EXPIRY_HORIZON_YEARS = 20
MAX_AGE_YEARS = 120


@dataclass(frozen=True, slots=True)
class BirthDate:
    """The chosen reading and every other plausible one, newest first."""

    value: date | None
    candidates: tuple[date, ...]
    ambiguous: bool

    @property
    def plausible(self) -> tuple[date, ...]:
        """The readings a check must consider: all of them when ambiguous, else the chosen one
        (an older reading of a 10-year-old's date is a 110-year-old: possible, not plausible)."""
        if self.ambiguous:
            return self.candidates
        return (self.value,) if self.value is not None else ()


def _readings(raw: str, centuries: range) -> list[date]:
    """Every valid calendar date `raw` can be in the given centuries, newest first."""
    if len(raw) != 6 or not raw.isdigit():
        return []
    yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
    found = []
    for century in reversed(centuries):
        try:
            found.append(date(century * 100 + yy, mm, dd))
        except ValueError:
            continue
    return found


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def parse_expiry(raw: str, today: date) -> date | None:
    """The expiry date, or None if `raw` is not a date (fillers, month 13, ...)."""
    horizon = _add_years(today, EXPIRY_HORIZON_YEARS)
    readings = [d for d in _readings(raw, range(19, 22)) if d <= horizon]
    return readings[0] if readings else None


def parse_birth(raw: str, today: date, expiry: date | None) -> BirthDate:
    """The birth date (latest century not in the future) with the alternatives kept."""
    oldest = _add_years(today, -MAX_AGE_YEARS)
    readings = [d for d in _readings(raw, range(18, 22)) if oldest <= d <= today]
    if expiry is not None:
        readings = [d for d in readings if d <= expiry] or readings
    if not readings:
        return BirthDate(None, (), False)
    ambiguous = len(readings) > 1 and _born_after_probable_issue(readings[0], expiry)
    return BirthDate(readings[0], tuple(readings), ambiguous)


def _born_after_probable_issue(birth: date, expiry: date | None) -> bool:
    """True when this birth falls after the earliest date the document could have been
    issued: a baby's short-lived document, or a reading a century too late."""
    if expiry is None:
        return True
    return birth > _add_years(expiry, -MAX_VALIDITY_YEARS)
