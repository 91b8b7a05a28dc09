"""How alike a typed name is to an MRZ name, across diacritics and transliteration.

The MRZ carries A-Z only: states transliterate with ICAO 9303-3 §6 (Ä -> AE or A, Ø -> OE,
ß -> SS, Cyrillic and Greek by table...), and long names are truncated. So the typed name is
written the way the MRZ would write it, with every transliteration we know (anyascii's, and
the German-Nordic digraphs), cut to the MRZ field's length, and compared with rapidfuzz; the
best score counts. Word order is ignored (token sort): applicants swap given names and surname.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from rapidfuzz import fuzz

from services.identity.core.mrz import MrzDocument

# ICAO 9303-3 table: the digraph spellings a state may use instead of dropping the accent.
_DIGRAPHS = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Ø": "OE", "Æ": "AE",
                           "ß": "SS", "Þ": "TH", "Ĳ": "IJ"})  # fmt: skip
_NOT_LETTERS = re.compile(r"[^A-Z]+")


def mrz_words(text: str) -> str:
    """Upper-case A-Z words separated by single spaces."""
    return _NOT_LETTERS.sub(" ", text.upper()).strip()


def transliterations(text: str) -> set[str]:
    """The ways an MRZ may spell `text`."""
    upper = text.upper()
    return {mrz_words(anyascii(upper)), mrz_words(anyascii(upper.translate(_DIGRAPHS)))}


def name_similarity(surname: str, given_names: str, mrz: MrzDocument) -> float:
    """0-100: the best token-sort ratio over the transliterations, truncation applied."""
    on_document = _field(mrz.surname, mrz.given_names)
    length = len(on_document) if mrz.names_truncated else None
    best = 0.0
    for typed_surname in transliterations(surname):
        for typed_given in transliterations(given_names):
            typed = _field(typed_surname, typed_given)[:length]
            best = max(best, fuzz.token_sort_ratio(typed, on_document))
    return best


def _field(surname: str, given_names: str) -> str:
    """The name as the MRZ lays it out, `<` shown as spaces: `SURNAME  GIVEN NAMES`."""
    return f"{surname}  {given_names}".strip()
