from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from watchlists.errors import ListFileError
from watchlists.model import Schema
from watchlists.parsers.us_bis_dpl import HEADER, parse_us_bis_dpl

pytestmark = pytest.mark.shared_data


def test_real_list(lists_dir: Path) -> None:
    parties = list(parse_us_bis_dpl(lists_dir / "us_bis_dpl/2023-11-30/dpl.txt"))
    assert len(parties) == 547  # 665 rows: one per (person, address)
    (airline,) = [p for p in parties if p.primary_name.full == "AL NASER AIRLINES"]
    assert airline.schema is Schema.ORGANIZATION
    assert len(airline.addresses) == 4
    assert airline.countries == ("IQ", "AE", "JO")
    assert airline.listed_on == date(2023, 10, 31)
    assert airline.topics == ("debarment", "export.control")
    person = next(p for p in parties if p.primary_name.full == "AARON ABRAHAM VILLA")
    assert person.schema is Schema.UNKNOWN  # the list never says person or company
    assert person.addresses[0].region == "TX"
    (sun,) = [p for p in parties if p.primary_name.full == "FUYI SUN"]
    assert [(n.full, n.quality.value) for n in sun.names] == [
        ("FUYI SUN", "primary"),
        ("FRANK SUN", "strong_alias"),
    ]  # printed as "FUYI SUN A/K/A FRANK SUN"


def _write(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "dpl.txt"
    path.write_text(
        "\n".join("\t".join(f'"{c}"' for c in r) for r in [list(HEADER), *rows]), encoding="utf-8"
    )
    return path


def test_bad_rows(tmp_path: Path) -> None:
    good = [
        "ACME LTD",
        "1 MAIN ST",
        "DUBAI",
        "",
        "AE",
        "",
        "08/24/2022",
        "",
        "Y",
        "2022-08-29",
        "ADDED",
        "87 F.R. 1",
    ]
    with pytest.raises(ListFileError, match="Effective_Date") as caught:
        list(parse_us_bis_dpl(_write(tmp_path, [good, [*good[:6], "24/08/2022", *good[7:]]])))
    assert caught.value.line == 3
    with pytest.raises(ListFileError, match="without a name"):
        list(parse_us_bis_dpl(_write(tmp_path, [["", *good[1:]]])))
    with pytest.raises(ListFileError, match="columns"):
        list(parse_us_bis_dpl(_write(tmp_path, [good[:-1]])))
