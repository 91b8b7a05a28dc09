"""Cleaning and validating raw name text before anything else looks at it.

Names arrive from onboarding forms, CSV uploads and list files. They carry every kind of debris:
control characters, bidi overrides (used to disguise text in spoofing attacks), zero-width
joiners, compatibility forms (full-width letters, ligatures), runs of whitespace. This module
turns a raw string into one clean NFKC string, or raises `InvalidArgument` with a field
violation when nothing usable is left or the input is absurdly long. It never guesses.
"""

from __future__ import annotations

import re
import unicodedata

from services.common.errors import FieldViolation, InvalidArgument

# Real names top out around 150 characters (long Arabic nasab chains with kunya and nisba);
# 300 leaves room for company names while refusing pasted paragraphs or attack payloads.
MAX_NAME_CHARS = 300
# Scanning a 10,000-character payload is cheap; what we refuse is matching on it.
_MAX_SCAN_CHARS = 20_000

_WHITESPACE = re.compile(r"\s+")
# Unicode general categories dropped outright: controls (Cc), format characters (Cf: bidi
# overrides and isolates, zero-width space/joiner/non-joiner, soft hyphen, BOM), surrogates
# (Cs), private use (Co) and unassigned (Cn) code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def strip_invisible(text: str) -> str:
    """Drop control, format (bidi, zero-width), private-use and unassigned characters.

    Line breaks and tabs become spaces first so that "SMITH\\nJohn" stays two words.
    """
    if text.isprintable():  # the common case: nothing to drop (checked in C)
        return text
    out = []
    for char in text:
        if char in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029":
            out.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            out.append(char)
    return "".join(out)


def clean_text(text: str) -> str:
    """NFKC-normalise, drop invisible characters and collapse whitespace (no case change)."""
    normalised = unicodedata.normalize("NFKC", strip_invisible(text))
    return _WHITESPACE.sub(" ", normalised).strip()


def has_letter(text: str) -> bool:
    """True when the text has at least one letter or digit in any script."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def validate_name(raw: str, field: str) -> str:
    """Clean a name and check it is usable; raise `InvalidArgument` naming `field` if not.

    Refused: names with no letter or digit left after cleaning (empty, only punctuation or
    only invisible characters), and names longer than `MAX_NAME_CHARS` after cleaning.
    """
    if len(raw) > _MAX_SCAN_CHARS:
        raise _violation(field, f"name is {len(raw)} characters; the limit is {MAX_NAME_CHARS}")
    cleaned = clean_text(raw)
    if not has_letter(cleaned):
        raise _violation(field, "name has no letters or digits")
    if len(cleaned) > MAX_NAME_CHARS:
        raise _violation(field, f"name is {len(cleaned)} characters; the limit is {MAX_NAME_CHARS}")
    return cleaned


def _violation(field: str, description: str) -> InvalidArgument:
    return InvalidArgument(
        f"{field}: {description}",
        [FieldViolation(field, description)],
        reason="INVALID_NAME",
    )


def fold_latin(text: str) -> str:
    """Case-fold and strip diacritics ("Vučić" -> "vucic", "Straße" -> "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SPACED_SLASH = re.compile(r"\s+/\s*|\s*/\s+")
_MAX_FORMS = 4


def name_forms(text: str) -> list[str]:
    """The names one written name stands for: lists join alternatives with a slash.

    "Дмитрий ДЕЗОРЦЕВ / Дмитро ДЕЗОРЦЕВ" and "Al Qa'ida/Islamic Army" are two names each;
    a slash between two single words is one word's alternatives, so "Анатоль ЛАПО/ЛАППО" is
    "Анатоль ЛАПО" and "Анатоль ЛАППО" ("A/S" and other one-letter pieces stay as written).
    """
    forms: list[str] = []
    for piece in _SPACED_SLASH.split(text):
        forms.extend(_unspaced_forms(piece))
    forms = [f for f in forms if has_letter(f)]
    return forms[:_MAX_FORMS] if forms else [text]


def _unspaced_forms(piece: str) -> list[str]:
    if "/" not in piece:
        return [piece]
    before, _, after = piece.partition("/")
    head, tail = before.split(), after.split()
    if not head or not tail or len(head[-1]) < 2 or len(tail[0]) < 2:
        return [piece]
    if len(head) > 1 and len(tail) > 1:
        return [before, *_unspaced_forms(after)]
    # One word's alternatives: the rest of the name goes with each.
    stem, rest = " ".join(head[:-1]), " ".join(tail[1:])
    first = " ".join(p for p in (stem, head[-1], rest) if p)
    return [first, *_unspaced_forms(" ".join(p for p in (stem, after) if p))]
