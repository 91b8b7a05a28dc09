from __future__ import annotations

import pytest

from watchlists.names import name_variants


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Azim Adhajani; Azim Agha-Jani", ["Azim Adhajani", "Azim Agha-Jani"]),
        ("Jin Tiesan (金铁三)", ["Jin Tiesan", "金铁三"]),
        ("Amir Khazmat (original script: Амир Хазмат)", ["Amir Khazmat", "Амир Хазмат"]),
        ("حسن غول (Hassan Ghul; Hassan Gul)", ["حسن غول", "Hassan Ghul", "Hassan Gul"]),
        ("Ali Barkani (Date of birth: 22.8.1973; place of birth: Morocco)", ["Ali Barkani"]),
        (
            "Abu Bakr al-Jaziri (Previously listed as. In Arabic: أبوبكر الجزائري)",
            ["Abu Bakr al-Jaziri", "أبوبكر الجزائري"],
        ),
        (
            "أبو دعاء ((Abu Du’a; Abu Duaa’) prominently known by this nom de guerre)",
            ["أبو دعاء", "Abu Du’a", "Abu Duaa’"],
        ),
        (
            "Ansar al-Sharia in Tunisia; (c)Ansar al-Shari'ah; (d) Supporters of Islamic Law",
            ["Ansar al-Sharia in Tunisia", "Ansar al-Shari'ah", "Supporters of Islamic Law"],
        ),
        ("Mohammed Sabet b) M. Javad Sabet", ["Mohammed Sabet", "M. Javad Sabet"]),
        (
            "Hay’at Tahrir al-Sham (HTS) (هيئة تحرير الشام (original script); "
            "Hay’et Tahrir al-Sham)",
            ["Hay’at Tahrir al-Sham (HTS)", "هيئة تحرير الشام", "Hay’et Tahrir al-Sham"],
        ),
        ("Rukan Razuqi Abd al-Ghafur Al-Majid;", ["Rukan Razuqi Abd al-Ghafur Al-Majid"]),
    ],
)
def test_cells_split_on_printed_structure(cell: str, names: list[str]) -> None:
    assert name_variants(cell) == names


@pytest.mark.parametrize(
    "cell",
    [
        "Islamic Revolutionary Guard Corps (IRGC)",
        "AERO CONTINENTE (USA) INC.",
        "華信船務(香港)有限公司",
        "DHKP/C",
        "Unbalanced (name",
    ],
)
def test_names_without_such_structure_stay_whole(cell: str) -> None:
    assert name_variants(cell) == [cell]


def test_blank_and_repeated() -> None:
    assert name_variants("  ") == []
    assert name_variants("ACME; Acme") == ["ACME"]
