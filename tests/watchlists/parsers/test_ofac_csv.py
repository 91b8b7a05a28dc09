from __future__ import annotations

from pathlib import Path

import pytest

from watchlists.errors import ListFileError, ListFileTooLarge
from watchlists.model import (
    Address,
    Gender,
    Identifier,
    IdentifierKind,
    NameQuality,
    PartialDate,
    Party,
    Schema,
)
from watchlists.parsers._io import Limits
from watchlists.parsers.ofac_csv import (
    OfacFiles,
    OfacOptions,
    parse_ofac_csv,
    read_address_file,
    read_alt_file,
    read_comments_file,
)

pytestmark = pytest.mark.shared_data

ROW = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_2024_sdn_alone_has_every_entry(ofac_2024: dict[str, Party]) -> None:
    assert len(ofac_2024) == 14965
    counts = {s: sum(1 for p in ofac_2024.values() if p.schema is s) for s in Schema}
    assert counts[Schema.VESSEL] == 851
    assert counts[Schema.AIRCRAFT] == 376
    assert (counts[Schema.PERSON], counts[Schema.ORGANIZATION]) == (6854, 6884)


def test_person_with_documents(ofac_2024: dict[str, Party]) -> None:
    party = ofac_2024["29116"]
    assert party.id == "ofac_sdn:29116"
    assert party.primary_name.full == "LAVRENKOV, Igor Valerievich"
    assert (party.primary_name.family, party.primary_name.given) == (
        "LAVRENKOV",
        "Igor Valerievich",
    )
    assert party.birth_dates == (PartialDate(1974, 1, 30),)
    assert party.nationalities == ("KN", "RU")
    assert party.gender is Gender.MALE
    assert [i for i in party.identifiers if i.kind is IdentifierKind.PASSPORT] == [
        Identifier(IdentifierKind.PASSPORT, "RE0028598", "KN"),
        Identifier(IdentifierKind.PASSPORT, "RE0013455", "KN"),
        Identifier(IdentifierKind.PASSPORT, "51NO5354610", "RU"),
    ]
    assert party.programmes == ("UKRAINE-EO13661", "CYBER2", "ELECTION-EO13848")
    assert party.topics == ("sanction",)


def test_vessel_columns_and_former_names(ofac_2024: dict[str, Party]) -> None:
    vessel = ofac_2024["4243"]
    assert vessel.schema is Schema.VESSEL
    assert vessel.countries == ("PA",)
    assert Identifier(IdentifierKind.IMO, "7406784") in vessel.identifiers
    assert [(n.full, n.quality) for n in vessel.names[1:]] == [
        ("ANA I", NameQuality.WEAK_ALIAS),
        ("SAND SWAN", NameQuality.WEAK_ALIAS),
    ]
    assert ("vessel_type", "General Cargo") in vessel.extra
    tug = ofac_2024["4238"]
    assert Identifier(IdentifierKind.OTHER, "CL2192", note="call sign") in tug.identifiers
    assert ("vessel_owner", "Samir de Navegacion S.A.") in tug.extra


def test_weak_aliases_from_remarks(ofac_2024: dict[str, Party]) -> None:
    bank = ofac_2024["306"]
    assert [(n.full, n.quality) for n in bank.names] == [
        ("BANCO NACIONAL DE CUBA", NameQuality.PRIMARY),
        ("BNC", NameQuality.WEAK_ALIAS),
    ]


def test_2021_full_set_joins_alt_addresses_and_comment_overflow(
    ofac_2021: dict[str, Party],
) -> None:
    assert len(ofac_2021) == 8976
    party = ofac_2021["12300"]
    assert [n.full for n in party.names if n.quality is NameQuality.STRONG_ALIAS] == [
        "LOPEZ SALAZAR, Elkin de Jesus",
        "OSUNA VILLARREAL, Sergio",
    ]
    # The remark cut at "PROMO RAI" continues as "Z S.A.S." in sdn_comments.csv.
    assert ("linked_to", "PROMO RAIZ S.A.S.") in party.extra
    assert ("linked_to", "R D I S.A.") in party.extra
    assert party.birth_dates == (
        PartialDate(1965, 5, 13),
        PartialDate(1968, 4, 13),
        PartialDate(1964, 7, 7),
    )
    assert Identifier(IdentifierKind.PASSPORT, "AL720622", "CO") in party.identifiers
    assert party.countries == ("CO", "MX")
    assert len(party.addresses) == 11
    assert ofac_2021["36"].addresses == (Address("Havana, Cuba", None, "Havana", None, None, "CU"),)


def test_2025_alt_add_comments_parse_on_their_own(lists_dir: Path) -> None:
    folder = lists_dir / "ofac_sdn/2025-12-24"
    aliases = read_alt_file(folder / "alt.csv")
    addresses = read_address_file(folder / "add.csv")
    comments = read_comments_file(folder / "sdn_comments.csv")
    assert sum(len(v) for v in aliases.values()) == 20107
    assert sum(len(v) for v in addresses.values()) == 24244 - 3150  # 3,150 rows are all -0-
    assert len(comments) == 28
    assert comments["17016"].startswith("tive Date (EO 14024 Directive)")


@pytest.mark.slow
def test_mixing_versions_is_refused_unless_asked(lists_dir: Path) -> None:
    files = OfacFiles(
        lists_dir / "ofac_sdn/2024-05-03/sdn.csv", alt=lists_dir / "ofac_sdn/2025-12-24/alt.csv"
    )
    with pytest.raises(ListFileError, match="different list versions"):
        list(parse_ofac_csv(files))
    mixed = list(parse_ofac_csv(files, OfacOptions(allow_orphans=True)))
    assert len(mixed) == 14965


def test_consolidated_non_sdn_list(lists_dir: Path) -> None:
    folder = lists_dir / "ofac_cons/2025-12-19"
    files = OfacFiles(
        folder / "cons_prim.csv",
        folder / "cons_alt.csv",
        folder / "cons_add.csv",
        folder / "cons_comments.csv",
    )
    parties = list(parse_ofac_csv(files, OfacOptions(source="ofac_cons")))
    assert len(parties) == 442
    assert all(p.id.startswith("ofac_cons:") for p in parties)
    assert sum(len(p.names) - 1 for p in parties) >= 1073  # every alt row became a strong alias


def test_eof_byte_only_at_the_end(tmp_path: Path) -> None:
    ok = _write(tmp_path, "ok.csv", ROW.encode() + b"\x1a")
    assert [p.id for p in parse_ofac_csv(OfacFiles(ok))] == ["ofac_sdn:36"]
    bad = _write(tmp_path, "bad.csv", ROW.encode() + b"\x1a" + ROW.replace("36,", "37,").encode())
    with pytest.raises(ListFileError, match="0x1A") as caught:
        list(parse_ofac_csv(OfacFiles(bad)))
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"\x1a", "empty"),
        (ROW.encode()[:40], "malformed CSV|columns"),
        (ROW.replace(",-0- \r\n", "\r\n").encode(), "expected 12 columns, found 11"),
        (ROW.replace("36,", "X6,").encode(), "not a number"),
        (ROW.encode() * 2, "appears twice"),
        (ROW.encode() + b"\x00", "NUL"),
    ],
)
def test_bad_files_fail_loudly_naming_file_and_line(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    path = _write(tmp_path, "sdn.csv", data)
    with pytest.raises(ListFileError, match=problem) as caught:
        list(parse_ofac_csv(OfacFiles(path)))
    assert str(path) in str(caught.value)


def test_size_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, "sdn.csv", ROW.encode() * 3)
    with pytest.raises(ListFileTooLarge):
        list(parse_ofac_csv(OfacFiles(path), OfacOptions(limits=Limits(max_bytes=100))))


def test_latin1_names_survive(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "sdn.csv", ROW.replace("AEROCARIBBEAN", "AÉROCARIBBEAN").encode("latin-1")
    )
    assert next(parse_ofac_csv(OfacFiles(path))).primary_name.full == "AÉROCARIBBEAN AIRLINES"
