"""Checks of a SAR's substance before any schema sees it, in the draft's own terms.

The schema check that follows (`schemas.validate_document`) speaks in XML paths; these checks
catch what a drafter gets wrong most often and name the draft field ("subjects[0].last_name"),
so the console can point at the input box.
"""

from __future__ import annotations

import re

from services.cases.core.sar.model import PartyType, SarAccount, SarContent, SarSubject
from services.common.errors import FieldViolation, InvalidArgument

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
MAX_SUBJECTS = 100
# Drafting leaves this where the MLRO must write; a report still carrying it is not finished.
NARRATIVE_PLACEHOLDER = "[MLRO to write:"
# xmlschema validates goAML at ~5 ms per transaction (bench/cases): 1,000 keeps an export within
# a few seconds. A longer list belongs in an attachment, with the pattern described in the report.
MAX_TRANSACTIONS = 1_000


def content_violations(content: SarContent, local_currency: str) -> list[FieldViolation]:
    """Everything wrong with a draft; `local_currency` is the FIU's reporting currency."""
    found: list[FieldViolation] = []
    if not content.narrative.strip():
        found.append(FieldViolation("narrative", "describe the suspicious activity"))
    elif NARRATIVE_PLACEHOLDER in content.narrative:
        found.append(FieldViolation("narrative", "replace the drafting placeholder with the facts"))
    if not content.subjects:
        found.append(FieldViolation("subjects", "a report needs at least one subject"))
    if len(content.subjects) > MAX_SUBJECTS:
        found.append(FieldViolation("subjects", f"at most {MAX_SUBJECTS} subjects per report"))
    if len(content.transactions) > MAX_TRANSACTIONS:
        limit = f"at most {MAX_TRANSACTIONS}; attach the full list as evidence"
        found.append(FieldViolation("transactions", limit))
    if content.activity_to is not None and content.activity_to < content.activity_from:
        found.append(FieldViolation("activity_to", "ends before the activity starts"))
    refs = [s.ref for s in content.subjects]
    if len(refs) != len(set(refs)):
        found.append(FieldViolation("subjects", "two subjects share a reference"))
    for i, subject in enumerate(content.subjects):
        found.extend(_subject_violations(f"subjects[{i}]", subject))
    for i, account in enumerate(content.accounts):
        found.extend(_account_violations(f"accounts[{i}]", account, set(refs)))
    found.extend(_transaction_violations(content, local_currency))
    return found


def _subject_violations(path: str, subject: SarSubject) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    if subject.party_type is PartyType.PERSON:
        for name in ("first_name", "last_name"):
            if not getattr(subject, name).strip():
                found.append(FieldViolation(f"{path}.{name}", "required for a person"))
    elif not subject.entity_name.strip():
        found.append(FieldViolation(f"{path}.entity_name", "required for an entity"))
    if subject.nationality and not _COUNTRY.fullmatch(subject.nationality):
        found.append(FieldViolation(f"{path}.nationality", "use an ISO 3166 alpha-2 code"))
    if subject.gender not in ("", "M", "F"):
        found.append(FieldViolation(f"{path}.gender", "use M, F or leave empty"))
    if subject.address is not None and not _COUNTRY.fullmatch(subject.address.country):
        found.append(FieldViolation(f"{path}.address.country", "use an ISO 3166 alpha-2 code"))
    return found


def _account_violations(path: str, account: SarAccount, refs: set[str]) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    if not account.number.strip():
        found.append(FieldViolation(f"{path}.number", "required"))
    if account.holder_ref and account.holder_ref not in refs:
        found.append(FieldViolation(f"{path}.holder_ref", "is not one of the report's subjects"))
    if not account.institution_code.strip():
        found.append(FieldViolation(f"{path}.institution_code", "give the BIC or bank code"))
    if not _CURRENCY.fullmatch(account.currency):
        found.append(FieldViolation(f"{path}.currency", "use an ISO 4217 code"))
    return found


def _transaction_violations(content: SarContent, local_currency: str) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    numbers = {a.number for a in content.accounts}
    for i, tx in enumerate(content.transactions):
        path = f"transactions[{i}]"
        for side in ("from_account", "to_account"):
            if getattr(tx, side) not in numbers:
                found.append(
                    FieldViolation(f"{path}.{side}", "is not one of the report's accounts")
                )
        if tx.amount <= 0:
            found.append(FieldViolation(f"{path}.amount", "must be positive"))
        if tx.currency != local_currency and tx.amount_local is None:
            found.append(
                FieldViolation(f"{path}.amount_local", f"give the amount in {local_currency}")
            )
        if tx.at.tzinfo is None:
            found.append(FieldViolation(f"{path}.at", "needs a time zone"))
    return found


def validate_content(content: SarContent, local_currency: str) -> None:
    """Raise InvalidArgument (reason SAR_DRAFT_INCOMPLETE) listing every problem of a draft."""
    violations = content_violations(content, local_currency)
    if violations:
        first = violations[0]
        raise InvalidArgument(
            f"the SAR draft is incomplete: {first.field} {first.description}",
            violations,
            reason="SAR_DRAFT_INCOMPLETE",
        )
