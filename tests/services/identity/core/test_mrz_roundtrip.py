"""Random valid passports and ID cards parse back to the fields they were written from."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.identity.core.mrz import MrzFormat, Sex, check_digit, parse_mrz

TODAY = date(2026, 11, 29)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
words = st.lists(st.text(LETTERS, min_size=1, max_size=8), min_size=1, max_size=3)
numbers = st.text(LETTERS + "0123456789", min_size=1, max_size=9)
# Adults whose birth century is not in doubt, and documents valid for the coming years.
births = st.dates(date(1930, 1, 1), date(2007, 12, 31))
expiries = st.dates(date(2027, 1, 1), date(2036, 12, 31))
sexes = st.sampled_from("MFX")


def _name_field(surname: list[str], given_names: list[str], length: int) -> str:
    return f"{'<'.join(surname)}<<{'<'.join(given_names)}".ljust(length, "<")


def _td3(fields: dict[str, object]) -> tuple[str, str]:
    number = str(fields["number"]).ljust(9, "<")
    birth, expiry = _yymmdd(fields["birth"]), _yymmdd(fields["expiry"])
    body = f"{number}{check_digit(number)}UTO{birth}{check_digit(birth)}{fields['sex']}"
    body += f"{expiry}{check_digit(expiry)}" + "<" * 14 + "0"
    line2 = body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))
    return f"P<UTO{fields['name']}", line2


def _td1(fields: dict[str, object]) -> tuple[str, str, str]:
    number = str(fields["number"]).ljust(9, "<")
    line1 = f"I<UTO{number}{check_digit(number)}".ljust(30, "<")
    birth, expiry = _yymmdd(fields["birth"]), _yymmdd(fields["expiry"])
    line2 = f"{birth}{check_digit(birth)}{fields['sex']}{expiry}{check_digit(expiry)}UTO" + "<" * 11
    line2 += str(check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]))
    return line1, line2, str(fields["name"])


def _yymmdd(day: object) -> str:
    assert isinstance(day, date)
    return day.strftime("%y%m%d")


@settings(max_examples=150, deadline=None)
@given(
    words, words, numbers, births, sexes, expiries, st.sampled_from([MrzFormat.TD3, MrzFormat.TD1])
)
def test_written_fields_read_back(
    surname: list[str], given_names: list[str], number: str, birth: date, sex: str,
    expiry: date, fmt: MrzFormat,
) -> None:  # fmt: skip
    length = 39 if fmt is MrzFormat.TD3 else 30
    name = _name_field(surname, given_names, length)[:length]
    fields: dict[str, object] = {
        "name": name,
        "number": number,
        "birth": birth,
        "sex": sex,
        "expiry": expiry,
    }
    lines = _td3(fields) if fmt is MrzFormat.TD3 else _td1(fields)
    doc = parse_mrz(lines, TODAY)
    assert doc.format is fmt
    assert doc.valid, (lines, doc.checks, doc.problems)
    assert (doc.document_number, doc.birth_date, doc.expiry_date) == (number, birth, expiry)
    assert doc.sex is {"M": Sex.MALE, "F": Sex.FEMALE, "X": Sex.UNSPECIFIED}[sex]
    if len(_name_field(surname, given_names, 0)) < length:  # the name fits: read back whole
        assert (doc.surname, doc.given_names) == (" ".join(surname), " ".join(given_names))
        assert not doc.names_truncated
