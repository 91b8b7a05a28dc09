"""Dates as sanctions lists print them, parsed into `PartialDate`s without guessing.

Lists mix day-first numeric forms ("13/05/1965", "13.5.1965"), worded forms ("13 May 1965",
"4 Apr. 1944"), partial forms ("May 1965", "1965", "00/00/1964"), approximations ("circa 1951",
"Approximately 1952") and ranges ("1958 to 1962", "Between 1958 and 1962"), sometimes several
alternatives in one cell ("(a) 1.2.1970, (b) 3.4.1971", "1970 or 1971"). Anything that does not
fit one of these shapes returns None: the caller keeps the raw text visible rather than
inventing a date (a wrong birth date is worse than none: it lowers a true match's score).
US lists print month-first dates; `parse_us_date` is the only place that reads them.
"""

from __future__ import annotations

import re
from datetime import date

from watchlists.model import PartialDate

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("jan", "january", "janv", "janvier", "enero"),
        ("feb", "february", "fev", "fevrier", "febrero"),
        ("mar", "march", "mars", "marzo"),
        ("apr", "april", "avr", "avril", "abril"),
        ("may", "mai", "mayo"),
        ("jun", "june", "juin", "junio"),
        ("jul", "july", "juil", "juillet", "julio"),
        ("aug", "august", "aout", "agosto"),
        ("sep", "sept", "september", "septembre", "septiembre"),
        ("oct", "october", "octobre", "octubre"),
        ("nov", "november", "novembre", "noviembre"),
        ("dec", "december", "decembre", "diciembre"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_CIRCA = re.compile(r"^(?:circa|approximately|approx\.?|about|ca\.?|c\.)\s+", re.IGNORECASE)
_CIRCA_SUFFIX = re.compile(
    r"\s*(?:\((?:approximately|approx\.?|circa)\)|\s(?:approximately|approx\.?|circa))$",
    re.IGNORECASE,
)
_RANGE = re.compile(
    r"^(?:between\s+)?(?P<start>.+?)\s*(?:\bto\b|\band\b|–|-|/)\s*(?P<end>.+)$", re.IGNORECASE
)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.]+Z?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_MONTH_YEAR_NUMERIC = re.compile(r"^(\d{1,2})[./](\d{4})$")
_WORDED = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s*)?([A-Za-z]{3,9})(?:\.\s*|,?\s+)(\d{4})$")
_WORDED_US = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
# "(a) 1970, (b) 1971", "a) 1970 b) 1971", "(i) ... (ii) ...", "1970 or 1971", "1970; 1971".
_ALTERNATIVES = re.compile(r"\(?\b(?:[a-h]|i{1,3}|iv)\)|\bor\b|;|,", re.IGNORECASE)


def parse_partial_date(text: str) -> PartialDate | None:
    """One date in any of the shapes above, or None when it is not a real date."""
    value = " ".join(text.strip().strip(".,").split())
    if not value:
        return None
    circa = False
    if _CIRCA.match(value) or _CIRCA_SUFFIX.search(value):
        circa = True
        value = _CIRCA_SUFFIX.sub("", _CIRCA.sub("", value)).strip()
    single = _parse_single(value)
    if single is not None:
        return _with_circa(single, circa)
    ranged = _parse_range(value)
    return _with_circa(ranged, circa) if ranged is not None else None


def parse_dates(text: str) -> tuple[list[PartialDate], list[str]]:
    """Every alternative in a cell: ("(a) 1.2.1970, (b) 1971" -> two dates).

    Returns the parsed dates and the pieces that could not be parsed, so the caller can keep
    them visible (in `Party.extra`) instead of dropping them.
    """
    whole = parse_partial_date(text)
    if whole is not None:
        return [whole], []
    dates: list[PartialDate] = []
    unparsed: list[str] = []
    for piece in _ALTERNATIVES.split(text):
        piece = piece.strip(" ,;()")
        if not piece:
            continue
        parsed = parse_partial_date(piece)
        if parsed is None:
            unparsed.append(piece)
        elif parsed not in dates:
            dates.append(parsed)
    return dates, unparsed


def parse_day(text: str) -> date | None:
    """A full calendar date (listing dates, "as of" dates), or None if it is partial or bad."""
    parsed = parse_partial_date(text)
    if parsed is None or parsed.day is None or parsed.month is None or parsed.year_to:
        return None
    return date(parsed.year, parsed.month, parsed.day)


def parse_us_date(text: str) -> date | None:
    """Month-first "08/24/2022" (US Federal Register usage) or ISO "2022-08-24"."""
    value = text.strip()
    match = _NUMERIC.match(value)
    if match:
        month, day, year = (int(g) for g in match.groups())
        return _safe_date(year, month, day)
    return parse_day(value)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_circa(value: PartialDate, circa: bool) -> PartialDate:
    if not circa:
        return value
    return PartialDate(value.year, value.month, value.day, value.year_to, circa=True)


def _parse_single(value: str) -> PartialDate | None:
    for parser in (_parse_iso, _parse_numeric, _parse_worded):
        parsed = parser(value)
        if parsed is not None:
            return parsed
    return None


def _parse_iso(value: str) -> PartialDate | None:
    match = _ISO.match(value)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    return _build(year, month, day)


def _parse_numeric(value: str) -> PartialDate | None:
    """Day-first numerics; zeros mean unknown ("00/00/1964" is the year 1964)."""
    match = _NUMERIC.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _build(year, month or None, day or None)
    match = _MONTH_YEAR_NUMERIC.match(value)
    if match:
        month, year = (int(g) for g in match.groups())
        return _build(year, month or None, None)
    return None


def _parse_worded(value: str) -> PartialDate | None:
    match = _WORDED.match(value)
    if match:
        day_text, month_text, year_text = match.groups()
        day = int(day_text) if day_text else None
    else:
        match = _WORDED_US.match(value)
        if not match:
            return None
        month_text, day_text, year_text = match.groups()
        day = int(day_text)
    month = MONTHS.get(month_text.lower())
    if month is None:
        return None
    return _build(int(year_text), month, day)


def _build(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
    if year is None or (day is not None and month is None):
        return None
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


def _parse_range(value: str) -> PartialDate | None:
    """ "1958 to 1962", "Between 1958 and 1962", "01 Jan 1960 to 31 Dec 1962", "1958-1962".

    The model keeps year precision for ranges: a range inside one year is that year, a
    range inside one month is that month.
    """
    match = _RANGE.match(value)
    if not match:
        return None
    start = _parse_single(match.group("start").strip())
    end = _parse_single(match.group("end").strip())
    if start is None or end is None or end.year < start.year:
        return None
    if start.year != end.year:
        return PartialDate(start.year, year_to=end.year)
    if start.month is not None and start.month == end.month:
        return PartialDate(start.year, start.month)
    return PartialDate(start.year)
