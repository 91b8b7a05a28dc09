from __future__ import annotations

from watchlists.model import Identifier, IdentifierKind, Name, NameQuality
from watchlists.parsers._build import (
    cell_values,
    clean,
    identifier_from_text,
    make_name,
    unique,
    unique_names,
)


def test_cell_values_follow_the_quoted_semicolon_rule() -> None:
    assert cell_values('"Foo; Bar"; Baz;  ') == ["Foo; Bar", "Baz"]
    assert cell_values("") == []
    assert cell_values(" ; ") == []


def test_identifier_country_only_when_the_parenthesis_is_a_country() -> None:
    assert identifier_from_text(IdentifierKind.PASSPORT, "C2002515 (Iran)") == Identifier(
        IdentifierKind.PASSPORT, "C2002515", "IR"
    )
    assert identifier_from_text(
        IdentifierKind.PASSPORT, "472310168 (issued by the DPRK)"
    ) == Identifier(IdentifierKind.PASSPORT, "472310168 (issued by the DPRK)")
    assert identifier_from_text(IdentifierKind.TAX_ID, "7831000122", "RU") == Identifier(
        IdentifierKind.TAX_ID, "7831000122", "RU"
    )
    assert identifier_from_text(IdentifierKind.OTHER, " -- ") is None


def test_names_are_cleaned_scripted_and_deduplicated() -> None:
    name = make_name("  Иван   Петров ", NameQuality.STRONG_ALIAS, parts=("Иван", None, "Петров"))
    assert name == Name("Иван Петров", NameQuality.STRONG_ALIAS, "Иван", None, "Петров", "Cyrl")
    assert make_name("   ") is None
    primary = Name("ACME LTD", script="Latn")
    assert unique_names([primary, None, Name("Acme Ltd", NameQuality.WEAK_ALIAS)]) == (primary,)
    assert unique([3, 1, 3, 2, 1]) == (3, 1, 2)
    assert clean(None) == ""
