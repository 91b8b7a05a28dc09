"""The name field (ICAO 9303-3 §4.6): primary identifier, `<<`, secondary identifier; `<` between
name components; trailing `<` fill the field. A name too long for the field is truncated, and
the field then ends with a letter (a truncation may also leave a single `<` as last character,
which cannot be told apart from filler, so only a full field is reported as truncated)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MrzName:
    surname: str
    given_names: str
    truncated: bool

    @property
    def full(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


def parse_name(field: str) -> MrzName:
    """`ERIKSSON<<ANNA<MARIA<<<` -> surname ERIKSSON, given names ANNA MARIA."""
    primary, _, secondary = field.partition("<<")
    return MrzName(
        surname=_words(primary),
        given_names=_words(secondary),
        truncated=bool(field) and not field.endswith("<"),
    )


def _words(part: str) -> str:
    return " ".join(w for w in part.split("<") if w)
