from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from watchlists.errors import ListFileError
from watchlists.model import Gender, Identifier, IdentifierKind, NameQuality, PartialDate, Schema
from watchlists.parsers.custom_csv import CustomCsvOptions, parse_custom_csv


def test_documented_example(fixtures_dir: Path) -> None:
    parties = {
        p.source_id: p
        for p in parse_custom_csv(
            fixtures_dir / "watchlists/custom_blocklist.csv", CustomCsvOptions(source="inhouse")
        )
    }
    assert list(parties) == ["BL-0001", "BL-0002", "BL-0003", "PEP-0001"]
    petrov = parties["BL-0001"]
    assert petrov.id == "inhouse:BL-0001"
    assert [(n.full, n.quality, n.script) for n in petrov.names] == [
        ("PETROV, Ivan Sergeyevich", NameQuality.PRIMARY, "Latn"),
        ("Ivan PETROFF", NameQuality.STRONG_ALIAS, "Latn"),
        ("Иван Сергеевич Петров", NameQuality.STRONG_ALIAS, "Cyrl"),
        ("Vanya", NameQuality.WEAK_ALIAS, "Latn"),
    ]
    assert petrov.gender is Gender.MALE
    assert petrov.birth_dates == (PartialDate(1971, 3, 5), PartialDate(1972))
    assert (petrov.nationalities, petrov.countries) == (("RU",), ("RU", "CY"))
    assert petrov.identifiers == (Identifier(IdentifierKind.PASSPORT, "7512345", "RU"),)
    assert petrov.listed_on == date(2024, 11, 2)
    company = parties["BL-0002"]
    assert [n.full for n in company.names] == [
        "Northwind Shell Trading LLC",
        "Northwind Trading",
        "Northwind; Shell Ltd",
    ]
    assert parties["BL-0003"].schema is Schema.VESSEL
    assert parties["PEP-0001"].topics == ("role.pep",)
    assert parties["PEP-0001"].nationalities == ("ES",)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id,schema,name,nationalites\n1,person,A,RU\n", "unknown \\['nationalites'\\]"),
        ("id,schema\n1,person\n", "missing \\['name'\\]"),
        ("id,schema,name\n1,dragon,A\n", "'schema'"),
        ("id,schema,name\n1,person,\n", "'name': is required"),
        ("id,schema,name,birth_dates\n1,person,A,next spring\n", "'birth_dates'"),
        ("id,schema,name,nationalities\n1,person,A,Atlantis\n", "unknown countries"),
        ("id,schema,name,listed_on\n1,person,A,2024\n", "'listed_on'"),
        ("id,schema,name\n1,person,A\n1,person,B\n", "appears twice"),
        ("id,schema,name\n1,person,A,extra\n", "columns"),
        ("", "empty"),
    ],
)
def test_every_bad_cell_fails_the_file_naming_the_line(
    tmp_path: Path, text: str, problem: str
) -> None:
    with pytest.raises(ListFileError, match=problem):
        list(parse_custom_csv(_write(tmp_path, text)))


def test_default_topics_apply_to_blank_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,schema,name,topics\n1,person,A,\n2,person,B,crime.fraud\n")
    parties = list(parse_custom_csv(path, CustomCsvOptions(default_topics=("role.pep",))))
    assert [p.topics for p in parties] == [("role.pep",), ("crime.fraud",)]
