"""MRZ parsing: the shared goldens, the ICAO specimen fields, names, dates and countries."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from services.identity.core.mrz import (
    LAYOUTS,
    FieldKind,
    MrzFormat,
    MrzFormatError,
    Sex,
    check_digit,
    country_name,
    detect_format,
    is_known_code,
    parse_mrz,
    parse_name,
)

TODAY = date(2026, 11, 29)
GOLDENS = Path(__file__).parents[3] / "fixtures" / "identity" / "documents" / "expected_mrz.csv"

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")
UK = (
    "P<GBRPUDARSAN<<HENERT<<<<<<<<<<<<<<<<<<<<<<<",
    "7077979792GBR9505209M1704224<<<<<<<<<<<<<<00",
)
CZE = (
    "P<CZESPECIMEN<<VZOR<<<<<<<<<<<<<<<<<<<<<<<<<",
    "99003853<1CZE1101018M1207046110101111<<<<<94",
)
# ICAO 9303-5 §4.2.2: a 12-character document number overflowing into the optional data.
TD1_LONG = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
)


def golden_rows() -> list[dict[str, str]]:
    with GOLDENS.open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["mrz_type"] != "NONE"]


@pytest.mark.parametrize("row", golden_rows(), ids=lambda r: r["file"])
def test_every_shared_golden_parses_valid_in_its_format(row: dict[str, str]) -> None:
    lines = [row[k] for k in ("line1", "line2", "line3") if row[k]]
    doc = parse_mrz(lines, TODAY)
    assert doc.valid, doc.checks
    assert doc.format.value.replace("-", "") == row["mrz_type"]
    assert doc.problems == ()


# The ground-truth table of ../shared/data/documents/SOURCES.md.
SPECIMENS = [
    (
        TD3,
        "P",
        "UTO",
        "L898902C3",
        "UTO",
        date(1974, 8, 12),
        Sex.FEMALE,
        date(2012, 4, 15),
        "ZE184226B",
    ),
    (TD2, "I", "UTO", "D23145890", "UTO", date(1974, 8, 12), Sex.FEMALE, date(2012, 4, 15), ""),
    (TD1, "I", "UTO", "D23145890", "UTO", date(1974, 8, 12), Sex.FEMALE, date(2012, 4, 15), ""),
    (
        MRVA,
        "V",
        "UTO",
        "L8988901C",
        "XXX",
        date(1940, 9, 7),
        Sex.FEMALE,
        date(1996, 12, 10),
        "6ZE184226B",
    ),
    (MRVB, "V", "UTO", "L8988901C", "XXX", date(1940, 9, 7), Sex.FEMALE, date(1996, 12, 10), ""),
]


@pytest.mark.parametrize(
    ("lines", "code", "state", "number", "nationality", "birth", "sex", "expiry", "optional"),
    SPECIMENS,
    ids=["TD3", "TD2", "TD1", "MRV-A", "MRV-B"],
)
def test_icao_specimen_fields(
    lines: tuple[str, ...], code: str, state: str, number: str, nationality: str,
    birth: date, sex: Sex, expiry: date, optional: str,
) -> None:  # fmt: skip
    doc = parse_mrz(lines, TODAY)
    assert (doc.document_code, doc.issuing_state, doc.document_number) == (code, state, number)
    assert (doc.surname, doc.given_names, doc.names_truncated) == ("ERIKSSON", "ANNA MARIA", False)
    assert (doc.nationality, doc.birth_date, doc.sex, doc.expiry_date) == (
        nationality,
        birth,
        sex,
        expiry,
    )
    assert doc.optional_data == optional
    assert not doc.birth.ambiguous


def test_every_check_digit_is_reported_with_expected_and_found() -> None:
    checks = {c.field: (c.expected, c.found, c.ok) for c in parse_mrz(TD3, TODAY).checks}
    assert checks == {
        "document_number": (6, "6", True),
        "birth_date": (2, "2", True),
        "expiry_date": (9, "9", True),
        "optional_data": (1, "1", True),
        "composite": (0, "0", True),
    }
    assert [c.field for c in parse_mrz(MRVA, TODAY).checks] == [
        "document_number",
        "birth_date",
        "expiry_date",
    ]
    assert [c.field for c in parse_mrz(TD1, TODAY).checks][-1] == "composite"


def test_uk_specimen() -> None:
    doc = parse_mrz(UK, TODAY)
    assert (doc.surname, doc.given_names, doc.document_number) == (
        "PUDARSAN",
        "HENERT",
        "707797979",
    )
    assert (doc.birth_date, doc.sex, doc.expiry_date) == (
        date(1995, 5, 20),
        Sex.MALE,
        date(2017, 4, 22),
    )


def test_long_td1_document_number_overflows_into_optional_data() -> None:
    doc = parse_mrz(TD1_LONG, TODAY)
    assert doc.valid
    assert doc.document_number == "D23145890734"
    assert doc.optional_data == ""
    assert check_digit("D23145890734") == 9
    assert (doc.surname, doc.given_names, doc.birth_date) == (
        "STEVENSON",
        "PETER JOHN",
        date(1934, 7, 12),
    )


def test_long_td1_document_number_with_a_wrong_check_digit_fails() -> None:
    lines = (TD1_LONG[0].replace("7349", "7348"), *TD1_LONG[1:])
    doc = parse_mrz(lines, TODAY)
    number = next(c for c in doc.checks if c.field == "document_number")
    assert (number.expected, number.found, number.ok) == (9, "8", False)
    assert not doc.valid


def test_czech_specimen_birth_century_is_ambiguous_not_guessed() -> None:
    # Printed on the specimen: born 01.01.1911, issued 04.07.2002, expires 04.07.2012. The MRZ
    # says 110101; "latest century not in the future" alone makes a 15-year-old of him.
    doc = parse_mrz(CZE, TODAY)
    assert doc.birth.candidates == (date(2011, 1, 1), date(1911, 1, 1))
    assert doc.birth.ambiguous
    assert doc.valid


def test_birth_century_is_settled_when_the_document_dates_allow_only_one() -> None:
    assert parse_mrz(TD3, TODAY).birth.candidates == (date(1974, 8, 12),)
    # Pinned to a day when the Czech specimen was valid, 2011 is the future: only 1911 is left.
    assert parse_mrz(CZE, date(2010, 6, 1)).birth.candidates == (date(1911, 1, 1),)


def test_expiry_century_is_a_window_around_today() -> None:
    assert parse_mrz(MRVA, TODAY).expiry_date == date(1996, 12, 10)
    assert parse_mrz(MRVA, date(1990, 1, 1)).expiry_date == date(1996, 12, 10)
    assert parse_mrz(TD3, date(2005, 1, 1)).expiry_date == date(2012, 4, 15)


def test_unknown_birth_day_is_allowed_but_a_stray_filler_is_not() -> None:
    line2 = TD3[1][:13] + "7408<<" + str(check_digit("7408<<")) + TD3[1][20:43]
    line2 += str(check_digit(line2[0:10] + line2[13:20] + line2[21:43]))
    doc = parse_mrz((TD3[0], line2), TODAY)
    assert doc.valid
    assert doc.birth_date is None
    stray = line2[:13] + "74<8<<" + str(check_digit("74<8<<")) + line2[20:]
    assert parse_mrz((TD3[0], stray), TODAY).problems


def test_names_primary_secondary_fillers_and_truncation() -> None:
    assert parse_name("ERIKSSON<<ANNA<MARIA<<<<").full == "ANNA MARIA ERIKSSON"
    only_surname = parse_name("SPECIMEN<<<<<<<<")
    assert (only_surname.surname, only_surname.given_names) == ("SPECIMEN", "")
    two_part = parse_name("DE<LA<CRUZ<<JUAN<<<")
    assert (two_part.surname, two_part.given_names) == ("DE LA CRUZ", "JUAN")
    truncated = parse_name("WOLFESCHLEGELSTEINHAUSEN<<HUBERT<BLAI")
    assert truncated.truncated
    assert truncated.given_names == "HUBERT BLAI"


SPECIAL_CODES = [
    "D<<",
    "UTO",
    "XXX",
    "XXA",
    "XXB",
    "XXC",
    "UNO",
    "UNA",
    "UNK",
    "EUE",
    "GBD",
    "GBN",
    "GBO",
    "GBP",
    "GBS",
    "RKS",
    "CZE",
    "FIN",
]


@pytest.mark.parametrize("code", SPECIAL_CODES)
def test_country_codes_iso_and_icao_special(code: str) -> None:
    assert is_known_code(code)


def test_country_code_unknown() -> None:
    assert country_name("ZZZ") is None
    assert country_name("D<<") == "Germany"
    assert parse_mrz(("P<D<<MUSTERMANN<<ERIKA" + "<" * 22, CZE[1]), TODAY).issuing_state == "D"


def test_sex_values() -> None:
    for char, sex in (
        ("M", Sex.MALE),
        ("F", Sex.FEMALE),
        ("X", Sex.UNSPECIFIED),
        ("<", Sex.UNSPECIFIED),
    ):
        line2 = TD3[1][:20] + char + TD3[1][21:]
        assert parse_mrz((TD3[0], line2), TODAY).sex is sex
    bad = parse_mrz((TD3[0], TD3[1][:20] + "Q" + TD3[1][21:]), TODAY)
    assert bad.sex is None
    assert not bad.valid


def test_not_an_mrz() -> None:
    with pytest.raises(MrzFormatError):
        parse_mrz(("P<UTO", "L898"), TODAY)
    with pytest.raises(MrzFormatError):
        parse_mrz((TD3[0].replace("<", " ", 1), TD3[1]), TODAY)


def test_detect_format() -> None:
    assert [detect_format(x) for x in (TD1, TD2, TD3, MRVA, MRVB)] == [
        MrzFormat.TD1, MrzFormat.TD2, MrzFormat.TD3, MrzFormat.MRV_A, MrzFormat.MRV_B,
    ]  # fmt: skip
    assert detect_format(("A" * 44,)) is None


def test_layout_tells_the_ocr_what_each_position_holds() -> None:
    td3 = LAYOUTS[MrzFormat.TD3]
    assert td3.kind_at(1, 9) is FieldKind.NUMERIC  # document number check digit
    assert td3.kind_at(1, 14) is FieldKind.NUMERIC  # birth date
    assert td3.kind_at(0, 7) is FieldKind.ALPHA  # name
    assert td3.kind_at(1, 3) is FieldKind.ALNUM  # document number
    assert td3.checks_covering(1, 3) == ("document_number", "composite")
    assert td3.checks_covering(0, 7) == ()
    td1 = LAYOUTS[MrzFormat.TD1]
    assert td1.checks_covering(0, 20) == ("composite",)  # optional data 1


@pytest.mark.parametrize("fmt", list(MrzFormat))
def test_layouts_cover_every_position_exactly_once(fmt: MrzFormat) -> None:
    layout = LAYOUTS[fmt]
    owners: dict[tuple[int, int], int] = {}
    spans = [f.span for f in layout.fields] + [c.digit for c in layout.checks]
    for span in spans:
        for col in range(span.start, span.end):
            owners[(span.line, col)] = owners.get((span.line, col), 0) + 1
    every = {(line, col) for line in range(layout.line_count) for col in range(layout.line_length)}
    assert owners.keys() == every
    assert all(n == 1 for n in owners.values())


def test_document_code_must_fit_the_format() -> None:
    assert parse_mrz(TD3, TODAY).problems == ()
    misread = parse_mrz(("H" + TD3[0][1:], TD3[1]), TODAY)
    assert [code for code, _ in misread.problems] == ["MRZ_DOCUMENT_CODE_INVALID"]
    assert not misread.valid
    assert parse_mrz(("A" + TD2[0][1:], TD2[1]), TODAY).valid
    assert not parse_mrz(("P" + TD2[0][1:], TD2[1]), TODAY).valid


def test_unknown_country_codes_are_problems() -> None:
    misread = parse_mrz((TD3[0].replace("P<UTO", "P<UTD"), TD3[1]), TODAY)
    assert [code for code, _ in misread.problems] == ["MRZ_COUNTRY_UNKNOWN"]
    assert not misread.valid
    nationality = TD3[1][:10] + "ZZZ" + TD3[1][13:]
    assert not parse_mrz((TD3[0], nationality), TODAY).valid
