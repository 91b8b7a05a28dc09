"""SAR drafting form: which fields an officer edits, and problems named in plain words.

Rows are posted as `<section>-<index>-<field>` (`subjects-0-last_name`); a `<section>-new-*`
row adds one when any of its fields is filled. Case management's problem paths
(`subjects[0].address.country`, `/report/reason`) become "Subject 1 — address country".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

SUBJECT_FIELDS = (
    "ref",
    "first_name",
    "middle_name",
    "last_name",
    "entity_name",
    "birth_date",
    "gender",
    "nationality",
    "occupation",
)
ADDRESS_FIELDS = ("street", "city", "postal_code", "state", "country")
ACCOUNT_FIELDS = (
    "number",
    "holder_ref",
    "institution_name",
    "institution_code",
    "currency",
    "country",
    "opened",
)
TRANSACTION_FIELDS = (
    "reference",
    "amount",
    "currency",
    "amount_local",
    "from_account",
    "to_account",
    "description",
)
TOP_FIELDS = ("narrative", "activity_from", "activity_to", "action_taken")
_SECTIONS = {"subjects": "Subject", "accounts": "Account", "transactions": "Transaction"}
_INDEX = re.compile(r"^(?P<section>[a-z_]+)\[(?P<index>\d+)\]\.?(?P<rest>.*)$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason the SAR is not a valid report yet, for the officer."""

    where: str
    description: str


def row(
    form: Mapping[str, str], section: str, index: int | str, names: tuple[str, ...]
) -> dict[str, str]:
    """The posted values of one row (only the fields present in the form)."""
    prefix = f"{section}-{index}-"
    return {n: form[prefix + n].strip() for n in names if prefix + n in form}


def new_row_filled(values: Mapping[str, str]) -> bool:
    return any(v for v in values.values())


def field_label(path: str) -> str:
    """'subjects[0].address.country' -> 'Subject 1 — address country'."""
    if path.startswith("/"):
        return "XML " + path
    match = _INDEX.match(path)
    if match is None:
        return path.replace("_", " ").replace(".", " ")
    noun = _SECTIONS.get(match["section"], match["section"].replace("_", " "))
    rest = match["rest"].replace("_", " ").replace(".", " ")
    return f"{noun} {int(match['index']) + 1}" + (f" — {rest}" if rest else "")


def problems(raw: list[tuple[str, str]]) -> tuple[Problem, ...]:
    """Case management's (field, description) pairs, labelled for people, duplicates merged."""
    seen: dict[tuple[str, str], None] = {}
    for field, description in raw:
        seen.setdefault((field_label(field) if field else "report", description), None)
    return tuple(Problem(where, description) for where, description in seen)
