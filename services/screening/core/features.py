"""The scoring features: a declarative list of weighted, explained pure functions.

Each feature looks at one comparison (`Evidence`: the query party, the list entry, and the best
name alignment between them) and returns `(score, detail)`: a score in [-1, 1] and a sentence
for the officer. A feature's contribution is `weight * score`; the match score is the sum, so it
ranks without saturating: an exact name with the same birth date and nationality outranks the
same name alone. The docstrings below are the documentation of the scoring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.screening.core.align import NameAlignment
from services.screening.core.explain import describe_alignment
from watchlists.model import Gender, IdentifierKind, NameQuality, PartialDate, Party, Schema


@dataclass(frozen=True, slots=True)
class Evidence:
    """What every feature may look at."""

    query: Party
    entry: Party
    alignment: NameAlignment


FeatureResult = tuple[float, str]


def name_similarity(e: Evidence) -> FeatureResult:
    """Similarity of the best-matching pair of names, word by word, weighted by word rarity.

    Word pairs come from exact words, known variants, transliteration spellings, typos within a
    length-aware budget, sound and cross-script consonant skeletons; words left over on both
    sides are a conflict and cost more than their weight, words missing on one side cost less.
    """
    a = e.alignment
    detail = f"'{a.query.original}' vs '{a.entry.original}': {describe_alignment(a)}"
    return a.score, detail


def weak_alias(e: Evidence) -> FeatureResult:
    """The best name is an alias the list itself marks as weak (low quality): lowers the score."""
    if e.alignment.entry.quality is NameQuality.WEAK_ALIAS:
        return 1.0, f"'{e.alignment.entry.original}' is a weak alias on the list"
    return 0.0, ""


_STRONG_IDS = frozenset({IdentifierKind.PASSPORT, IdentifierKind.NATIONAL_ID, IdentifierKind.IMO,
                         IdentifierKind.TAX_ID, IdentifierKind.LEI, IdentifierKind.BIC,
                         IdentifierKind.MMSI, IdentifierKind.REGISTRATION,
                         IdentifierKind.AIRCRAFT_REGISTRATION})  # fmt: skip


def identifier_match(e: Evidence) -> FeatureResult:
    """Same identifier (passport, national id, IMO, LEI, ...) on both sides: near-certain.

    Compared on `Identifier.normalised` ("AB-123 456" = "AB123456"), same kind required;
    values shorter than 5 characters are ignored (too easily shared by chance).
    """
    entry_ids = {(i.kind, i.normalised) for i in e.entry.identifiers if len(i.normalised) >= 5}
    for ident in e.query.identifiers:
        if ident.kind in _STRONG_IDS and (ident.kind, ident.normalised) in entry_ids:
            return 1.0, f"{ident.kind.value} {ident.value!r} appears on both"
    return 0.0, ""


def identifier_mismatch(e: Evidence) -> FeatureResult:
    """Both sides give an IMO number (a vessel has exactly one) and they differ: lowers it."""
    query_imo = {i.normalised for i in e.query.identifiers if i.kind is IdentifierKind.IMO}
    entry_imo = {i.normalised for i in e.entry.identifiers if i.kind is IdentifierKind.IMO}
    if query_imo and entry_imo and not query_imo & entry_imo:
        return 1.0, f"IMO {sorted(query_imo)[0]} differs from the list's {sorted(entry_imo)[0]}"
    return 0.0, ""


def _date_agreement(a: PartialDate, b: PartialDate) -> tuple[float, str]:
    a_end, b_end = a.year_to or a.year, b.year_to or b.year
    if a.is_full and b.is_full:
        if (a.year, a.month, a.day) == (b.year, b.month, b.day):
            return 1.0, "same birth date"
        if (a.year, a.month, a.day) == (b.year, b.day, b.month):
            return 0.8, "same birth date with day and month swapped"
    overlap = a.year <= b_end and b.year <= a_end
    if overlap and (a.month is None or b.month is None or a.month == b.month):
        precise = a.year_to is None and b.year_to is None
        return (0.6, "same birth year") if precise else (0.4, "birth year within the listed range")
    gap = max(a.year - b_end, b.year - a_end, 0)
    if gap <= 1:
        return 0.2, "birth dates within a year"
    if gap >= 3:
        return -1.0, f"birth years {gap} years apart"
    return 0.0, "birth dates two years apart"


def _best_date_agreement(e: Evidence) -> tuple[float, str] | None:
    best: tuple[float, str] | None = None
    for a in e.query.birth_dates:
        for b in e.entry.birth_dates:
            found = _date_agreement(a, b)
            if best is None or found[0] > best[0]:
                best = found
    return best


def _dates(e: Evidence) -> str:
    query_dates = "/".join(d.iso() for d in e.query.birth_dates)
    entry_dates = "/".join(d.iso() for d in e.entry.birth_dates)
    return f"{query_dates} vs {entry_dates}"


def birth_date(e: Evidence) -> FeatureResult:
    """Birth dates agree: exact 1.0, day and month swapped 0.8, same year 0.6, within a
    listed range 0.4, within a year 0.2. Unknown on either side: no effect."""
    best = _best_date_agreement(e)
    if best is None or best[0] <= 0:
        return 0.0, ""
    return best[0], f"{best[1]} ({_dates(e)})"


def birth_date_mismatch(e: Evidence) -> FeatureResult:
    """Every pair of birth dates is 3 or more years apart: 1.0. A clear mismatch is strong
    evidence of a different person, so this weighs more than an agreement adds."""
    best = _best_date_agreement(e)
    if best is None or best[0] >= 0:
        return 0.0, ""
    return 1.0, f"{best[1]} ({_dates(e)})"


def nationality(e: Evidence) -> FeatureResult:
    """Nationalities (or, failing those, countries) share a code: 1.0; both known and none
    shared: -1.0."""
    query = set(e.query.nationalities) or set(e.query.countries)
    entry = set(e.entry.nationalities) or set(e.entry.countries)
    if not query or not entry:
        return 0.0, ""
    shared = query & entry
    if shared:
        return 1.0, f"country {', '.join(sorted(shared))} on both"
    return -1.0, f"countries differ ({', '.join(sorted(query))} vs {', '.join(sorted(entry))})"


def gender(e: Evidence) -> FeatureResult:
    """Genders both known and different: -1.0 (no bonus for agreeing: half of everyone agrees)."""
    known = (Gender.MALE, Gender.FEMALE)
    if e.query.gender in known and e.entry.gender in known and e.query.gender != e.entry.gender:
        return -1.0, f"gender differs ({e.query.gender.value} vs {e.entry.gender.value})"
    return 0.0, ""


def schema_mismatch(e: Evidence) -> FeatureResult:
    """A person compared with an organisation, vessel or aircraft (or the reverse): 1.0."""
    kinds = {e.query.schema, e.entry.schema} - {Schema.UNKNOWN}
    if len(kinds) > 1 and Schema.PERSON in kinds:
        return 1.0, f"a {e.query.schema.value} compared with a {e.entry.schema.value}"
    return 0.0, ""


@dataclass(frozen=True, slots=True)
class Feature:
    """A named, weighted scoring function."""

    name: str
    weight: float
    compute: Callable[[Evidence], FeatureResult]


FEATURES: tuple[Feature, ...] = (
    Feature("name_similarity", 1.0, name_similarity),
    Feature("weak_alias", -0.1, weak_alias),
    Feature("identifier_match", 0.4, identifier_match),
    Feature("identifier_mismatch", -0.3, identifier_mismatch),
    Feature("birth_date", 0.15, birth_date),
    Feature("birth_date_mismatch", -0.3, birth_date_mismatch),
    Feature("nationality", 0.05, nationality),
    Feature("gender", 0.1, gender),
    Feature("schema_mismatch", -0.5, schema_mismatch),
)
