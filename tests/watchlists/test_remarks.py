from __future__ import annotations

from watchlists.model import Gender, Identifier, IdentifierKind, PartialDate
from watchlists.remarks import mine_remarks, split_clauses


def test_person_facts_and_documents() -> None:
    mined = mine_remarks(
        "DOB 14 Jun 1975; alt. DOB circa 1976; POB Leningrad, Russia; nationality Russia; "
        "alt. citizen Saint Kitts and Nevis; Gender Male; Passport 717637093 (Russia) expires "
        "18 Mar 2023; National ID No. 781005202108 (Russia); Tax ID No. AABA 670850 Y; "
        "Linked To: USA REALLY."
    )
    assert mined.birth_dates == [PartialDate(1975, 6, 14), PartialDate(1976, circa=True)]
    assert mined.birth_places == ["Leningrad, Russia"]
    assert mined.nationalities == ["RU", "KN"]
    assert mined.gender is Gender.MALE
    assert mined.identifiers == [
        Identifier(IdentifierKind.PASSPORT, "717637093", "RU"),
        Identifier(IdentifierKind.NATIONAL_ID, "781005202108", "RU"),
        Identifier(IdentifierKind.TAX_ID, "AABA 670850 Y"),
    ]
    assert mined.extra == [("linked_to", "USA REALLY")]
    assert mined.unparsed == []


def test_quoted_aliases_are_weak_even_with_apostrophes_inside() -> None:
    mined = mine_remarks(
        "a.k.a. 'ABU 'ABDALLAH'; a.k.a. 'HAJJ AS'AD AHMAD'; f.k.a. 'SAND SWAN'; Linked To: X S.A.S."
    )
    assert mined.weak_aliases == ["ABU 'ABDALLAH", "HAJJ AS'AD AHMAD"]
    assert mined.former_names == ["SAND SWAN"]
    assert mined.extra == [("linked_to", "X S.A.S.")]


def test_vessel_and_aircraft_clauses() -> None:
    mined = mine_remarks(
        "Vessel Registration Identification IMO 7406784; MMSI 572469210; Other Vessel Flag "
        "Tanzania; Aircraft Manufacturer's Serial Number (MSN) 1023409321; Aircraft Tail Number "
        "EP-GOM; Aircraft Model IL76-TD"
    )
    assert mined.identifiers == [
        Identifier(IdentifierKind.IMO, "7406784"),
        Identifier(IdentifierKind.MMSI, "572469210"),
        Identifier(
            IdentifierKind.OTHER, "1023409321", note="Aircraft Manufacturer's Serial Number (MSN)"
        ),
        Identifier(IdentifierKind.AIRCRAFT_REGISTRATION, "EP-GOM"),
    ]
    assert mined.countries == ["TZ"]
    assert mined.extra == [("aircraft_model", "IL76-TD")]


def test_unknown_clauses_are_kept_not_dropped() -> None:
    mined = mine_remarks("ICTY indictee; nationality Atlantis; DOB sometime in spring")
    assert mined.unparsed == ["ICTY indictee", "nationality Atlantis", "DOB sometime in spring"]
    assert mined.nationalities == []
    assert mined.birth_dates == []


def test_only_the_final_full_stop_is_dropped() -> None:
    assert split_clauses("Linked To: C.I. S.A.S.; a; b.") == ["Linked To: C.I. S.A.S.", "a", "b"]
    assert mine_remarks(None).unparsed == []
