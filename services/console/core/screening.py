"""A screening hit explained side by side: the customer against the list entry, feature by feature.

What the console reads from a screening alert's evidence (all optional, so an older producer
still renders): `explanations` — the scorer's features `{feature, score, weight, detail}`
(plus `customer_value` / `entry_value` when the producer gives them), `score`, `list`,
`list_version`, and the two records as `watchlists.model.party_to_dict` output: `customer`
and `entry`. When the alert does not carry the list entry, the console looks it up in the
list snapshot it serves (the list's own record, with its source and URL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from watchlists.model import Party, party_from_dict

# Which party fields a scoring feature compares (feature names of the screening scorer).
FEATURE_FIELDS: Mapping[str, str] = {
    "name": "names",
    "name_tokens": "names",
    "name_phonetic": "names",
    "name_fuzzy": "names",
    "birth_date": "birth dates",
    "dob": "birth dates",
    "birth_year": "birth dates",
    "country": "countries",
    "nationality": "countries",
    "identifier": "identifiers",
    "id_number": "identifiers",
    "gender": "gender",
    "schema": "type",
}


@dataclass(frozen=True, slots=True)
class FeatureRow:
    """One scoring feature: both sides' values, its score and the scorer's sentence."""

    feature: str
    customer: str
    entry: str
    score: float
    weight: float
    detail: str

    @property
    def strength(self) -> str:
        """CSS class: how much this feature argues for a match."""
        if self.score >= 0.85:
            return "strong"
        return "partial" if self.score >= 0.5 else "weak"


@dataclass(frozen=True, slots=True)
class HitExplanation:
    """Everything the side-by-side panel shows for one hit."""

    entry_id: str
    list_source: str
    list_version: str
    score: float
    rows: tuple[FeatureRow, ...]
    customer: tuple[tuple[str, str], ...]
    entry: tuple[tuple[str, str], ...]
    entry_url: str
    entry_found: bool


def party_fields(party: Party) -> dict[str, str]:
    """A party as labelled display values (labels match `FEATURE_FIELDS` values)."""
    names = [f"{n.full} ({n.quality.value.replace('_', ' ')})" for n in party.names]
    values = {
        "type": party.schema.value,
        "names": "; ".join(names),
        "gender": "" if party.gender.value == "unknown" else party.gender.value,
        "birth dates": ", ".join(d.iso() for d in party.birth_dates),
        "birth places": "; ".join(party.birth_places),
        "countries": ", ".join(dict.fromkeys((*party.nationalities, *party.countries))),
        "identifiers": "; ".join(f"{i.kind.value} {i.value}" for i in party.identifiers),
        "addresses": "; ".join(a.full for a in party.addresses),
        "programmes": ", ".join(party.programmes),
        "listed on": party.listed_on.isoformat() if party.listed_on else "",
        "source": f"{party.source} {party.source_id}".strip(),
        "remarks": party.remarks or "",
    }
    return {k: v for k, v in values.items() if v}


def parse_party(data: object) -> Party | None:
    """A party from evidence JSON, or None when it is absent or not a valid party."""
    if not isinstance(data, Mapping):
        return None
    try:
        return party_from_dict(dict(data))
    except (KeyError, TypeError, ValueError):
        return None


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _row(item: Mapping[str, object], customer: dict[str, str], entry: dict[str, str]) -> FeatureRow:
    feature = str(item.get("feature") or "?")
    field = FEATURE_FIELDS.get(feature, feature)
    return FeatureRow(
        feature=feature,
        customer=str(item.get("customer_value") or customer.get(field, "")),
        entry=str(item.get("entry_value") or entry.get(field, "")),
        score=_number(item.get("score")),
        weight=_number(item.get("weight")),
        detail=str(item.get("detail") or ""),
    )


def _web_url(url: str | None) -> str:
    """Only http(s) links reach the page: a list file could carry a `javascript:` URL."""
    return url if url and url.lower().startswith(("https://", "http://")) else ""


def explain_hit(
    evidence: Mapping[str, object], entry_id: str, looked_up: Party | None
) -> HitExplanation:
    """The side-by-side view of one hit from its alert evidence (and the list's own record)."""
    customer_party = parse_party(evidence.get("customer"))
    entry_party = parse_party(evidence.get("entry")) or looked_up
    customer = party_fields(customer_party) if customer_party else {}
    entry = party_fields(entry_party) if entry_party else {}
    raw = evidence.get("explanations")
    items: Sequence[object] = raw if isinstance(raw, list) else []
    rows = tuple(_row(i, customer, entry) for i in items if isinstance(i, Mapping))
    return HitExplanation(
        entry_id=entry_id,
        list_source=str(evidence.get("list") or entry_id.partition(":")[0]),
        list_version=str(evidence.get("list_version") or ""),
        score=_number(evidence.get("score")),
        rows=rows,
        customer=tuple(customer.items()),
        entry=tuple(entry.items()),
        entry_url=_web_url(entry_party.url if entry_party else None),
        entry_found=entry_party is not None,
    )
