"""The labelled evaluation sets in ../shared/data/watchlists/eval, as plain records."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from watchlists.countries import to_iso2
from watchlists.dates import parse_partial_date
from watchlists.model import Gender, Name, Party, Schema

SCHEMAS = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL}


@dataclass(frozen=True, slots=True)
class NamePair:
    """One labelled pair of the nomenklatura name benchmark."""

    group: str
    schema: Schema
    name1: str
    name2: str
    is_match: bool
    held_out: bool
    logic_v2: float | None


def held_out(*parts: str) -> bool:
    """Deterministic 25% held-out split: never looked at while tuning."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return digest[0] % 4 == 0


def load_name_pairs(eval_dir: Path) -> list[NamePair]:
    """The 826 pairs, with logic-v2's frozen score where it has one (812 pairs)."""
    folder = eval_dir / "nomenklatura"
    baseline: dict[tuple[str, str, str, str], float] = {}
    with (folder / "name_bench_logicv2-frozen.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["case_group"], row["schema"], row["name1"], row["name2"])
            baseline[key] = float(row["score"])
    pairs = []
    with (folder / "name_bench_cases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["case_group"], row["schema"], row["name1"], row["name2"])
            pairs.append(
                NamePair(
                    group=row["case_group"],
                    schema=SCHEMAS.get(row["schema"], Schema.ORGANIZATION),
                    name1=row["name1"],
                    name2=row["name2"],
                    is_match=row["is_match"] == "true",
                    held_out=held_out(row["name1"], row["name2"]),
                    logic_v2=baseline.get(key),
                )
            )
    return pairs


def person_from_row(row: dict[str, str], party_id: str) -> Party | None:
    """A query person from a yente eval row (full_name, gender, date_of_birth, nationality)."""
    name = row["full_name"].strip()
    if not name:
        return None
    date = parse_partial_date(row.get("date_of_birth") or "")
    code = to_iso2(row.get("nationality") or "")
    gender = {"male": Gender.MALE, "female": Gender.FEMALE}.get(
        row.get("gender") or "", Gender.UNKNOWN
    )
    return Party(
        id=party_id,
        schema=Schema.PERSON,
        names=(Name(name),),
        gender=gender,
        birth_dates=(date,) if date else (),
        nationalities=(code,) if code else (),
    )


def load_people(path: Path, limit: int | None = None) -> list[Party]:
    """Query parties from a yente person CSV (positives or negatives), in file order."""
    out: list[Party] = []
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if limit is not None and number >= limit:
                break
            party = person_from_row(row, f"{path.stem}:{number}")
            if party is not None:
                out.append(party)
    return out


@dataclass(frozen=True, slots=True)
class CrossScriptPair:
    query: str
    expected: str
    min_score: float
    description: str


def load_cross_script(eval_dir: Path) -> list[CrossScriptPair]:
    """Watchman's cross-script pairs (query in another script, expected Latin name)."""
    out = []
    for line in (eval_dir / "watchman" / "cross_script_pairs.csv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected, minimum, description = line.split(",", 3)
        out.append(CrossScriptPair(query, expected, float(minimum), description))
    return out


def load_putin(eval_dir: Path) -> list[str]:
    """81 spellings of Vladimir Putin's name across scripts (rigour)."""
    lines = (eval_dir / "rigour" / "putin_names.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]
