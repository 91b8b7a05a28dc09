from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from watchlists.errors import ListFileError
from watchlists.model import Identifier, IdentifierKind, NameQuality, PartialDate, Party, Schema
from watchlists.parsers.eu_oj_csv import HEADER, parse_eu_oj_csv

pytestmark = pytest.mark.shared_data


def _named(parties: list[Party], name: str) -> list[Party]:
    return [p for p in parties if p.primary_name.full.casefold() == name.casefold()]


def test_one_party_per_entity_across_legal_contexts(
    eu_files: list[Path], eu_parties: list[Party]
) -> None:
    assert len(eu_files) == 45
    # SOURCES.md says 9 header-only files; the data has 8 (37 acts with rows + 8 = 45).
    assert sum(1 for f in eu_files if len(f.read_text(encoding="utf-8").splitlines()) == 1) == 8
    # 7,928 distinct (schema, name) keys; two of them are pairs of namesakes born years apart.
    assert len(eu_parties) == 7930
    assert len({p.id for p in eu_parties}) == 7930
    schemas = [p.schema for p in eu_parties]
    assert schemas.count(Schema.VESSEL) == 689
    assert schemas.count(Schema.UNKNOWN) == 29  # EU "Asset": facilities, zones, crypto assets


def test_rows_of_one_entity_merge(eu_parties: list[Party]) -> None:
    (bank,) = _named(eu_parties, "Bank Rossiya")
    assert bank.schema is Schema.ORGANIZATION
    assert bank.programmes == ("EU-UKR", "EU-RUS")
    assert (bank.names[1].full, bank.names[1].script) == ("Банк ‘Россия’", "Cyrl")
    assert Identifier(IdentifierKind.TAX_ID, "7831000122", "RU") in bank.identifiers
    assert bank.listed_on == date(2022, 2, 23)
    assert ("measure", "Financial restrictions") in bank.extra


def test_namesakes_with_disjoint_birth_years_stay_apart(eu_parties: list[Party]) -> None:
    kims = _named(eu_parties, "Kim Yong Chol")
    assert sorted(p.birth_dates[0].year for p in kims) == [1946, 1962]
    assert len(_named(eu_parties, "Choe Chun-Sik")) == 2
    (menyailo,) = _named(eu_parties, "Sergei Ivanovich Menyailo")  # same person, two acts
    assert menyailo.birth_dates == (PartialDate(1960, 8, 22),)
    assert menyailo.programmes == ("EU-UKR", "EU-CHEM")


def test_person_fields(eu_parties: list[Party]) -> None:
    people = [p for p in eu_parties if p.schema is Schema.PERSON]
    assert sum(1 for p in people if p.nationalities) > 2600
    assert sum(1 for p in people if p.birth_dates) > 3700
    weak = [p for p in eu_parties if any(n.quality is NameQuality.WEAK_ALIAS for n in p.names)]
    assert len(weak) >= 60
    export_controlled = [p for p in eu_parties if "export.control" in p.topics]
    assert len(export_controlled) > 500


def _file(tmp_path: Path, rows: list[str], name: str = "32014R0269.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([",".join(HEADER), *rows]) + "\n", encoding="utf-8")
    return path


def _row(**cells: str) -> str:
    base = dict.fromkeys(HEADER, "") | {
        "celex": "32014R0269",
        "programKey": "EU-UKR",
        "measure": "Asset freeze",
        "schema": "Person",
        "name": "Test Person",
    }
    base |= cells
    return ",".join(f'"{base[c]}"' for c in HEADER)


def test_multi_valued_cells_with_quoted_semicolons(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        [
            _row(
                alias='""Foo, Bar; Zed (original script: Фу)""; Baz',
                birthDate="1.2.1970 or 1971",
                nationality="Russian; Ukrainian",
            )
        ],
    )
    (party,) = parse_eu_oj_csv([path])
    # One quoted value, then split into the names it lists (the cell is kept as printed).
    assert [n.full for n in party.names] == ["Test Person", "Foo, Bar", "Zed", "Фу", "Baz"]
    assert ("name_as_printed", "Foo, Bar; Zed (original script: Фу)") in party.extra
    assert party.birth_dates == (PartialDate(1970, 2, 1), PartialDate(1971))
    assert party.nationalities == ("RU", "UA")


def test_contract_violations_fail(tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="differs from the file name"):
        list(parse_eu_oj_csv([_file(tmp_path, [_row(celex="32014R0833")])]))
    with pytest.raises(ListFileError, match="bad schema"):
        list(parse_eu_oj_csv([_file(tmp_path, [_row(schema="Dragon")])]))
    bad_header = tmp_path / "32014R0269.csv"
    bad_header.write_text("celex,name\n", encoding="utf-8")
    with pytest.raises(ListFileError, match=r"columns|header"):
        list(parse_eu_oj_csv([bad_header]))
    not_utf8 = tmp_path / "32014R0269.csv"
    not_utf8.write_bytes(",".join(HEADER).encode() + b"\n\xff\xfe\n")
    with pytest.raises(ListFileError, match="not valid utf-8") as caught:
        list(parse_eu_oj_csv([not_utf8]))
    assert caught.value.line == 2
