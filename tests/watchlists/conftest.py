"""Real lists parsed once per test session (each takes up to a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchlists.model import Party
from watchlists.parsers.eu_oj_csv import parse_eu_oj_csv
from watchlists.parsers.ofac_csv import OfacFiles, parse_ofac_csv
from watchlists.parsers.uk_ofsi import parse_uk_ofsi_csv
from watchlists.parsers.un_xml import parse_un_xml


@pytest.fixture(scope="session")
def lists_dir(shared_data: Path) -> Path:
    return shared_data / "watchlists"


def by_source_id(parties: list[Party]) -> dict[str, Party]:
    return {p.source_id: p for p in parties}


@pytest.fixture(scope="session")
def ofac_2024(lists_dir: Path) -> dict[str, Party]:
    return by_source_id(list(parse_ofac_csv(OfacFiles(lists_dir / "ofac_sdn/2024-05-03/sdn.csv"))))


@pytest.fixture(scope="session")
def ofac_2021_files(lists_dir: Path) -> OfacFiles:
    folder = lists_dir / "ofac_sdn/2021-07-07"
    return OfacFiles(
        folder / "sdn.csv", folder / "alt.csv", folder / "add.csv", folder / "sdn_comments.csv"
    )


@pytest.fixture(scope="session")
def ofac_2021(ofac_2021_files: OfacFiles) -> dict[str, Party]:
    return by_source_id(list(parse_ofac_csv(ofac_2021_files)))


@pytest.fixture(scope="session")
def un_parties(lists_dir: Path) -> dict[str, Party]:
    return by_source_id(list(parse_un_xml(lists_dir / "un_sc/2026-02-27/UN_consolidated.xml")))


@pytest.fixture(scope="session")
def eu_files(lists_dir: Path) -> list[Path]:
    return sorted((lists_dir / "eu_oj_annexes/2026-08-22/consolidated").glob("*.csv"))


@pytest.fixture(scope="session")
def eu_parties(eu_files: list[Path]) -> list[Party]:
    return list(parse_eu_oj_csv(eu_files))


@pytest.fixture(scope="session")
def uk_csv(lists_dir: Path) -> Path:
    return lists_dir / "uk_ofsi/2025-04-10/ConList_converted_from_xlsx.csv.gz"


@pytest.fixture(scope="session")
def uk_parties(uk_csv: Path) -> dict[str, Party]:
    return by_source_id(list(parse_uk_ofsi_csv(uk_csv)))
