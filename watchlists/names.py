"""Name cells that hold more than one name, split into the names a matcher can compare.

The UN and EU lists print several spellings in one name cell and annotate names in
parentheses:

    "Azim Adhajani; Azim Agha-Jani"                     two spellings
    "Jin Tiesan (金铁三)"                               the name and its original script
    "Amir Khazmat (original script: Амир Хазмат)"       same, labelled
    "حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)"      original script, then romanisations
    "Ali Barkani (Date of birth: 22.8.1973; place of birth: Morocco)"   a name plus a note
    "Ansar al-Sharia in Tunisia; (c)Ansar al-Shari'ah"  an enumerated list

`name_variants` returns each name once, in order, with notes removed. It only splits on
structure the source printed (a `;`, an enumeration label, a parenthesis in another script
or holding a `;`-list); a same-script parenthesis such as an acronym "(IRGC)" or "(USA)" is
part of the name and stays. Parsers keep the cell as printed in `Party.extra` whenever the
variants differ from it, so nothing is lost.
"""

from __future__ import annotations

import re

from watchlists.scripts import detect_script

# A parenthesis that annotates rather than names: dates, places, documents, listing history.
_NOTE = re.compile(
    r"\b(?:date of birth|born|place of birth|passport|dob|pob|issued|identification|"
    r"previously listed|formerly listed|as previously listed|nom de guerre|known by|"
    r"national|number|mother|father)\b",
    re.IGNORECASE,
)
# "original script: Амир", "In Arabic: أبوبكر", "Russian spelling: Кирсанова".
_LABELLED_NAME = re.compile(
    r"(?:original script|in [a-z]+|[a-z]+ spelling)\s*:\s*([^;()]+)", re.IGNORECASE
)
# Enumeration labels "(c)" / "b)" at the start of an item (after a space, ";" or ","): they
# separate names, and a bare "b)" would otherwise unbalance the parentheses.
_ENUMERATION = re.compile(r"(?:^|(?<=[\s;,]))\(?[a-h]\)\s*", re.IGNORECASE)
_MARKERS = re.compile(r"\((?:original script|original)\)", re.IGNORECASE)


def name_variants(text: str) -> list[str]:
    """The distinct names in one name cell, main name first (see the module docstring)."""
    value = _ENUMERATION.sub("; ", " ".join(text.split())).strip(" ;,")
    spans = _top_level_spans(value)
    if spans is None:  # unbalanced parentheses: never guess, keep the cell whole
        return [value] if value else []
    outside = _without(value, spans)
    main_script = detect_script(outside)
    kept: list[tuple[int, int]] = []
    extracted: list[str] = []
    for start, end in spans:
        inner = value[start + 1 : end - 1]
        found = _names_in_parenthesis(inner, main_script)
        if found is None:
            kept.append((start, end))
        else:
            extracted.extend(found)
    removed = [span for span in spans if span not in kept]
    main = [_tidy(piece) for piece in _split_list(_without(value, removed))]
    return _unique([*main, *(_tidy(name) for name in extracted)])


def _names_in_parenthesis(inner: str, main_script: str | None) -> list[str] | None:
    """Names a parenthesis holds, [] for a pure note, or None to keep it in the name."""
    labelled = [m.group(1) for m in _LABELLED_NAME.finditer(inner)]
    if _NOTE.search(inner):
        nested = [inner[s + 1 : e - 1] for s, e in _top_level_spans(inner) or []]
        candidates = [*labelled, *(n for group in nested for n in _split_list(group))]
        return [c for c in candidates if detect_script(c) not in (None, main_script)]
    if labelled:
        return labelled
    if ";" in inner or (detect_script(inner) not in (None, main_script)):
        return _split_list(_MARKERS.sub("", inner))
    return None


def _top_level_spans(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of each outermost "( ... )", end exclusive; None if unbalanced."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                spans.append((start, index + 1))
    return spans if depth == 0 else None


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return " ".join("".join(out).split())


def _split_list(text: str) -> list[str]:
    """Split on ";" (enumeration labels were turned into ";" first)."""
    pieces = _ENUMERATION.sub("; ", text).split(";")
    return [p for p in (" ".join(p.split()).strip(" ,;") for p in pieces) if p]


def _tidy(name: str) -> str:
    return " ".join(_MARKERS.sub("", name).split()).strip(" ,;")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())
