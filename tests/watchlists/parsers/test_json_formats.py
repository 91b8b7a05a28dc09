from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from watchlists.errors import ListFileError
from watchlists.model import Gender, Identifier, IdentifierKind, NameQuality, PartialDate, Schema
from watchlists.parsers.ftm_json import parse_ftm_json
from watchlists.parsers.senzing_json import SenzingOptions, parse_senzing_json


def test_ftm_things_become_parties_and_sanctions_fold_in(fixtures_dir: Path) -> None:
    parties = {p.source_id: p for p in parse_ftm_json(fixtures_dir / "watchlists/ftm_sample.jsonl")}
    assert list(parties) == ["ws-person-1", "ws-company-1", "ws-vessel-1", "ws-plane-1"]
    person = parties["ws-person-1"]
    assert [(n.full, n.quality) for n in person.names] == [
        ("Viktor Arkadyevich KRAVETS", NameQuality.PRIMARY),
        ("Виктор Аркадьевич Кравец", NameQuality.STRONG_ALIAS),
        ("Vitya", NameQuality.WEAK_ALIAS),
    ]
    assert person.birth_dates == (PartialDate(1966, 2, 11),)
    assert person.nationalities == ("RU", "CY")
    assert person.gender is Gender.MALE
    assert Identifier(IdentifierKind.PASSPORT, "718204455", "RU") in person.identifiers
    company = parties["ws-company-1"]
    assert (company.programmes, company.topics, company.listed_on) == (
        ("TEST-RUS",),
        ("sanction",),
        date(2023, 5, 19),
    )
    assert company.countries == ("RU",)
    assert parties["ws-vessel-1"].schema is Schema.VESSEL
    plane = parties["ws-plane-1"]
    assert plane.identifiers == (Identifier(IdentifierKind.AIRCRAFT_REGISTRATION, "RA-76502"),)


def test_senzing_records(fixtures_dir: Path) -> None:
    parties = list(
        parse_senzing_json(
            fixtures_dir / "watchlists/senzing_sample.jsonl", SenzingOptions(source="pep")
        )
    )
    assert [p.id for p in parties] == ["pep:p-1", "pep:o-1"]  # the position anchor is skipped
    person, org = parties
    assert (person.primary_name.full, person.primary_name.family) == (
        "Amara OKONKWO-BELL",
        "OKONKWO-BELL",
    )
    assert person.gender is Gender.FEMALE
    assert person.nationalities == ("NG", "GB")
    assert person.identifiers == (
        Identifier(IdentifierKind.PASSPORT, "A07711223", "NG"),
        Identifier(IdentifierKind.TAX_ID, "2283-9910", "NG"),
    )
    assert person.topics == ("role.pep",)
    assert (org.schema, org.countries) == (Schema.ORGANIZATION, ("NG",))


@pytest.mark.shared_data
def test_senzing_on_the_opensanctions_pep_sample(shared_data: Path) -> None:
    path = shared_data / "watchlists/pep_us_congress_opensanctions/us_congress_senzing.json"
    parties = list(parse_senzing_json(path, SenzingOptions(source="pep_us_congress")))
    assert len(parties) == 1317  # 1,319 lines; 2 are position anchors
    assert all(p.topics == ("role.pep",) and p.nationalities == ("US",) for p in parties)
    assert sum(1 for p in parties if p.birth_dates) == 1316
    assert sum(1 for p in parties if len(p.names) > 1) == 32


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "x", "schema": "Person", "properties": {}}', "has no name"),
        ('{"schema": "Person"}', "needs an id"),
        ('{"id": "x", "schema": "Person", "properties": {"name": "A"}}', "must be a list"),
        ("[1, 2]", "JSON object"),
        ("{not json", "not JSON"),
    ],
)
def test_ftm_bad_lines(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"id": "ok", "schema": "Person", "properties": {"name": ["A"]}}\n' + line + "\n"
    )
    with pytest.raises(ListFileError, match=problem) as caught:
        list(parse_ftm_json(path))
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"RECORD_ID": "1", "RECORD_TYPE": "DRAGON"}', "RECORD_TYPE"),
        ('{"RECORD_ID": "1", "RECORD_TYPE": "PERSON", "NAMES": []}', "no name"),
        ('{"RECORD_TYPE": "PERSON", "NAMES": [{"NAME_FULL": "A"}]}', "RECORD_ID"),
        ('{"RECORD_ID": "1", "RECORD_TYPE": "PERSON", "NAMES": "A"}', "list of objects"),
    ],
)
def test_senzing_bad_records(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(ListFileError, match=problem):
        list(parse_senzing_json(path))
