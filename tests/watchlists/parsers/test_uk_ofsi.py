from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from watchlists.errors import ListFileError
from watchlists.model import Gender, NameQuality, PartialDate, Party, Schema
from watchlists.parsers.uk_ofsi import (
    HEADER,
    numbered,
    parse_uk_ofsi_csv,
    parse_uk_ofsi_xlsx,
    read_uk_last_updated,
)

pytestmark = pytest.mark.shared_data


def test_rows_grouped_into_targets(uk_parties: dict[str, Party]) -> None:
    assert len(uk_parties) == 4686
    schemas = [p.schema for p in uk_parties.values()]
    assert (
        schemas.count(Schema.PERSON),
        schemas.count(Schema.ORGANIZATION),
        schemas.count(Schema.VESSEL),
    ) == (3662, 1009, 15)


def test_kony_four_hundred_rows_one_party(uk_parties: dict[str, Party]) -> None:
    kony = uk_parties["13344"]
    assert kony.primary_name.full == "JOSEPH KONY"
    assert (kony.primary_name.given, kony.primary_name.family) == ("JOSEPH", "KONY")
    assert {n.full: n.quality for n in kony.names} == {
        "JOSEPH KONY": NameQuality.PRIMARY,
        "KONY": NameQuality.STRONG_ALIAS,
        "Josef KONY": NameQuality.STRONG_ALIAS,
        "Joseph Rao KONY": NameQuality.STRONG_ALIAS,
        "LE MESSIE SANGLANT": NameQuality.WEAK_ALIAS,
    }
    assert PartialDate(1964, 9, 18) in kony.birth_dates
    assert PartialDate(1959) in kony.birth_dates  # "00/00/1959"
    assert len(kony.birth_dates) == 10
    assert kony.countries == ("CF", "CD")
    assert ("un_ref", "CFi.009") in kony.extra
    assert kony.listed_on == date(2016, 3, 12)


def test_name_order_gender_and_variations(uk_parties: dict[str, Party]) -> None:
    haq = uk_parties["15672"]
    assert haq.primary_name.full == "Mian Abdul HAQ"
    assert haq.gender is Gender.MALE
    assert {n.full for n in haq.names if n.quality is NameQuality.STRONG_ALIAS} == {
        "Mian MITHOO", "Mian MITHU", "Mian MITTO", "Mian MITTU",
    }  # fmt: skip
    assert haq.nationalities == ("PK",)
    assert haq.programmes == ("Global Human Rights",)


def test_non_latin_names_carry_script_and_language(uk_parties: dict[str, Party]) -> None:
    cyrillic = [n for p in uk_parties.values() for n in p.names if n.script == "Cyrl"]
    assert len(cyrillic) > 1000
    assert {n.language for n in cyrillic} >= {"ru", "be", "uk"}


def test_numbered_cells() -> None:
    assert numbered("(1) A-333602 (2) M110522") == ["A-333602", "M110522"]
    assert numbered("S335026") == ["S335026"]
    assert numbered("(1) 20645897 (2) -") == ["20645897"]
    assert numbered("") == []


def test_as_of_from_first_row(uk_csv: Path) -> None:
    assert read_uk_last_updated(uk_csv) == date(2025, 4, 10)


@pytest.mark.slow
def test_xlsx_gives_the_same_parties_as_the_csv(
    lists_dir: Path, uk_parties: dict[str, Party]
) -> None:
    workbook = lists_dir / "uk_ofsi/2025-04-10/UK_Sanctions_List.xlsx"
    from_xlsx = {p.source_id: p for p in parse_uk_ofsi_xlsx(workbook)}
    assert from_xlsx == uk_parties
    assert read_uk_last_updated(workbook) == date(2025, 4, 10)


def _gz(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "conlist.csv.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    return path


def test_bad_files_fail(tmp_path: Path) -> None:
    row = ",".join(
        ["KONY", "Joseph", *[""] * 26, "Individual", "Primary name", "", "CAR", "", "", "", "13344"]
    )
    with pytest.raises(ListFileError, match="Last Updated"):
        list(parse_uk_ofsi_csv(_gz(tmp_path, [",".join(HEADER), row])))
    with pytest.raises(ListFileError, match="expected 36 columns, found 2") as caught:
        list(parse_uk_ofsi_csv(_gz(tmp_path, ["Last Updated,10/04/2025", "Name 6,Name 1", row])))
    assert caught.value.line == 2
    renamed = ",".join(HEADER).replace("Group ID", "Group Id")
    with pytest.raises(ListFileError, match="unexpected header"):
        list(parse_uk_ofsi_csv(_gz(tmp_path, ["Last Updated,10/04/2025", renamed, row])))
    with pytest.raises(ListFileError, match="columns") as caught:
        list(
            parse_uk_ofsi_csv(
                _gz(tmp_path, ["Last Updated,10/04/2025", ",".join(HEADER), row + ",extra"])
            )
        )
    assert caught.value.line == 3
    (party,) = parse_uk_ofsi_csv(_gz(tmp_path, ["Last Updated,10/04/2025", ",".join(HEADER), row]))
    assert party.id == "uk_ofsi:13344"
    corrupt = tmp_path / "corrupt.csv.gz"
    corrupt.write_bytes(gzip.compress(b"Last Updated")[:-8])
    with pytest.raises(ListFileError, match="gzip"):
        list(parse_uk_ofsi_csv(corrupt))
