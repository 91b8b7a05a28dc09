from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from watchlists.errors import ListFileError, ListFileTooLarge
from watchlists.model import Gender, NameQuality, PartialDate, Party, Schema
from watchlists.parsers._io import Limits
from watchlists.parsers.un_xml import UnOptions, parse_un_xml, read_un_generated_date

pytestmark = pytest.mark.shared_data

MINIMAL = b"""<?xml version="1.0"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>ERIC</FIRST_NAME><SECOND_NAME>BADEGE</SECOND_NAME>
<UN_LIST_TYPE>DRC</UN_LIST_TYPE><REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>
<LISTED_ON>2012-12-31</LISTED_ON></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"""


def test_complete_list_counts(un_parties: dict[str, Party]) -> None:
    schemas = [p.schema for p in un_parties.values()]
    assert (schemas.count(Schema.PERSON), schemas.count(Schema.ORGANIZATION)) == (730, 273)
    assert all(
        p.id == f"un_sc:{p.source_id}" and p.topics == ("sanction",) for p in un_parties.values()
    )


def test_well_known_individual(un_parties: dict[str, Party]) -> None:
    saddam = un_parties["IQi.001"]
    assert saddam.primary_name.full == "SADDAM HUSSEIN AL-TIKRITI"
    assert (saddam.names[1].full, saddam.names[1].script) == ("صدام حسين التكريتي", "Arab")
    assert (saddam.names[2].full, saddam.names[2].quality) == ("Abu Ali", NameQuality.WEAK_ALIAS)
    assert saddam.birth_dates == (PartialDate(1937, 4, 28),)
    assert saddam.nationalities == ("IQ",)
    assert saddam.programmes == ("Iraq",)
    assert saddam.listed_on == date(2003, 6, 27)


def test_alias_quality_good_and_low(un_parties: dict[str, Party]) -> None:
    party = un_parties["QDi.426"]
    qualities = {n.full: n.quality for n in party.names}
    assert qualities["Hajji Abdallah"] is NameQuality.STRONG_ALIAS
    assert qualities["Al-Ustadh"] is NameQuality.WEAK_ALIAS
    assert party.birth_dates == (
        PartialDate(1976, 10, 5),
        PartialDate(1976, 10, 1),
        PartialDate(1976, 1, 6),
    )
    weak = sum(
        1 for p in un_parties.values() for n in p.names if n.quality is NameQuality.WEAK_ALIAS
    )
    assert weak >= 600  # 615 "Low" aliases, a few repeat a name already listed


def test_between_approximately_and_year_only_dates(un_parties: dict[str, Party]) -> None:
    assert un_parties["CDi.030"].birth_dates == (PartialDate(1973, year_to=1974),)
    assert un_parties["CDi.014"].birth_dates == (
        PartialDate(1962, 3, 17),
        PartialDate(1966, circa=True),
    )
    assert un_parties["CDi.001"].birth_dates == (PartialDate(1971),)
    assert un_parties["CDi.002"].gender is Gender.MALE
    assert ("birth_date_text", "30-35 years old") in un_parties["LYi.022"].extra


def test_name_cells_listing_several_names_are_split(un_parties: dict[str, Party]) -> None:
    printed = [v for p in un_parties.values() for k, v in p.extra if k == "name_as_printed"]
    assert len(printed) == 53
    names = {n.full for p in un_parties.values() for n in p.names}
    assert {"Azim Adhajani", "Azim Agha-Jani", "Jin Tiesan", "金铁三"} <= names
    (cagl,) = [
        p
        for p in un_parties.values()
        if "GREAT LAKES BUSINESS COMPANY (GLBC)" in {n.full for n in p.names}
    ]
    assert cagl.primary_name.full == "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)"


def test_documents_and_entities(un_parties: dict[str, Party]) -> None:
    hamdan = un_parties["QDi.003"]
    assert [(i.kind.value, i.value, i.country) for i in hamdan.identifiers] == [
        ("passport", "00385937", "YE")
    ]
    adf = un_parties["CDe.001"]
    assert adf.schema is Schema.ORGANIZATION
    assert [n.full for n in adf.names][:2] == ["ADF", "Allied Democratic Forces"]
    assert adf.countries == ("CD",)


def test_as_of_date(lists_dir: Path) -> None:
    assert read_un_generated_date(lists_dir / "un_sc/2026-02-27/UN_consolidated.xml") == date(
        2026, 2, 27
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("billion_laughs.xml", "forbidden XML construct"),
        ("external_entity.xml", "forbidden XML construct"),
        ("external_dtd.xml", "forbidden XML construct"),
        ("deep_nesting.xml", "nested deeper than 32"),
    ],
)
def test_hostile_xml_is_refused(fixtures_dir: Path, name: str, problem: str) -> None:
    path = fixtures_dir / "watchlists" / "hostile" / name
    with pytest.raises(ListFileError, match=problem) as caught:
        list(parse_un_xml(path))
    assert caught.value.path == str(path)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (MINIMAL[:-40], "malformed XML"),
        (b"<OTHER_LIST/>", "not <CONSOLIDATED_LIST>"),
        (
            MINIMAL.replace(b"<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>", b""),
            "no REFERENCE_NUMBER",
        ),
        (
            MINIMAL.replace(b"<FIRST_NAME>ERIC</FIRST_NAME><SECOND_NAME>BADEGE</SECOND_NAME>", b""),
            "no name",
        ),
    ],
)
def test_bad_files_fail_loudly(tmp_path: Path, data: bytes, problem: str) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(data)
    with pytest.raises(ListFileError, match=problem):
        list(parse_un_xml(path))


def test_minimal_file_and_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(MINIMAL)
    (party,) = parse_un_xml(path, UnOptions(source="un_test"))
    assert (party.id, party.primary_name.given, party.primary_name.family) == (
        "un_test:CDi.001",
        "ERIC",
        "BADEGE",
    )
    with pytest.raises(ListFileTooLarge):
        list(parse_un_xml(path, UnOptions(limits=Limits(max_bytes=64))))
