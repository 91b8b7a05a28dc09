"""Pre-fill a SAR draft from a case: its subjects, the accounts and transactions its alerts carry,
and a narrative skeleton the MLRO completes.

Transactions and accounts come from the alerts' `evidence` (see docs/cases/alerts.md for the
keys producers use). Evidence is producer data, so it is read defensively: every entry that
cannot be used is listed in `Draft.notes` — the drafter sees what was left out, nothing is
dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from services.cases.core.model import Case, CaseKind
from services.cases.core.sar.content import NARRATIVE_PLACEHOLDER
from services.cases.core.sar.model import SarAccount, SarContent, SarSubject, SarTransaction
from services.cases.core.sar.profiles import ReportingInstitution
from services.common.alerts import Alert

_KEYS = {
    "reference": ("id", "tx_id", "reference"),
    "from_account": ("from_account", "from", "source", "src"),
    "to_account": ("to_account", "to", "target", "dst"),
    "at": ("at", "timestamp", "time", "booked_at"),
}
_KIND_TYPOLOGY = {CaseKind.SCREENING: "sanctions", CaseKind.IDENTITY: "identity_fraud"}


@dataclass(frozen=True, slots=True)
class DraftInputs:
    """What drafting reads: the case, its alerts, the subjects' records and our institution."""

    case: Case
    alerts: Sequence[Alert]
    subjects: Sequence[SarSubject]
    institution: ReportingInstitution
    today: date


@dataclass(frozen=True, slots=True)
class Draft:
    content: SarContent
    notes: tuple[str, ...]


def draft_from_case(inputs: DraftInputs) -> Draft:
    """A first draft: complete where the case knows the facts, empty where a human must write."""
    notes: list[str] = []
    transactions = _transactions(inputs.alerts, notes)
    accounts = _accounts(transactions, inputs, notes)
    dates = [t.at.date() for t in transactions] + [a.raised_at.date() for a in inputs.alerts]
    content = SarContent(
        case_id=inputs.case.id,
        subjects=tuple(inputs.subjects),
        narrative=_narrative(inputs, transactions),
        activity_from=min(dates, default=inputs.today),
        activity_to=max(dates, default=inputs.today),
        typologies=_typologies(inputs.case),
        accounts=accounts,
        transactions=transactions,
    )
    if not inputs.subjects:
        notes.append(f"no customer record found for {inputs.case.subject}: add the subject")
    return Draft(content, tuple(notes))


def _typologies(case: Case) -> tuple[str, ...]:
    kind = _KIND_TYPOLOGY.get(case.kind)
    return tuple(dict.fromkeys((*case.typologies, *((kind,) if kind else ()))))


def _pick(entry: Mapping[str, object], field: str) -> object:
    return next((entry[k] for k in _KEYS[field] if entry.get(k) not in (None, "")), None)


def _transactions(alerts: Sequence[Alert], notes: list[str]) -> tuple[SarTransaction, ...]:
    seen: dict[str, SarTransaction] = {}
    for alert in alerts:
        raw = alert.evidence.get("transactions", ())
        for i, entry in enumerate(raw if isinstance(raw, list | tuple) else ()):
            parsed = _transaction(entry) if isinstance(entry, Mapping) else None
            if parsed is None:
                notes.append(f"alert {alert.key}: transaction #{i + 1} is incomplete, left out")
            else:
                seen.setdefault(parsed.reference, parsed)
    return tuple(sorted(seen.values(), key=lambda t: (t.at, t.reference)))


def _transaction(entry: Mapping[str, object]) -> SarTransaction | None:
    reference, source, target, at = (_pick(entry, f) for f in _KEYS)
    try:
        amount = Decimal(str(entry.get("amount")))
        when = datetime.fromisoformat(str(at)) if at is not None else None
    except (InvalidOperation, ValueError):
        return None
    currency = str(entry.get("currency") or "")
    if None in (reference, source, target, when) or not amount.is_finite() or len(currency) != 3:
        return None
    assert when is not None
    if when.tzinfo is None:
        return None
    return SarTransaction(
        reference=str(reference),
        at=when,
        amount=amount,
        currency=currency.upper(),
        from_account=str(source),
        to_account=str(target),
        description=str(entry.get("description") or ""),
    )


def _accounts(
    transactions: tuple[SarTransaction, ...], inputs: DraftInputs, notes: list[str]
) -> tuple[SarAccount, ...]:
    holders = _declared_holders(inputs.alerts)
    refs = {s.ref for s in inputs.subjects}
    accounts: dict[str, SarAccount] = {}
    for tx in transactions:
        for number in (tx.from_account, tx.to_account):
            # Graph evidence often names accounts by their holder's customer id.
            holder = holders.get(number, number)
            accounts.setdefault(
                number,
                SarAccount(
                    number=number,
                    holder_ref=holder if holder in refs else "",
                    institution_name=inputs.institution.name,
                    institution_code=inputs.institution.bic,
                    currency=tx.currency,
                ),
            )
    unknown = sorted(n for n, a in accounts.items() if not a.holder_ref)
    if unknown:
        notes.append(f"{len(unknown)} account(s) have no known holder among the subjects")
    return tuple(accounts.values())


def _declared_holders(alerts: Sequence[Alert]) -> dict[str, str]:
    holders: dict[str, str] = {}
    for alert in alerts:
        raw = alert.evidence.get("accounts", ())
        for entry in raw if isinstance(raw, list | tuple) else ():
            if isinstance(entry, Mapping) and entry.get("number") and entry.get("holder"):
                holders[str(entry["number"])] = str(entry["holder"])
    return holders


def _narrative(inputs: DraftInputs, transactions: tuple[SarTransaction, ...]) -> str:
    case = inputs.case
    lines = [
        f"Case {case.id} ({case.kind.value}) concerning {case.subject}.",
        "",
        "Alerts:",
        *(f"- {a.raised_at:%Y-%m-%d}: {a.title} ({a.source.value})" for a in inputs.alerts),
    ]
    if transactions:
        currencies = sorted({t.currency for t in transactions})
        total = sum((t.amount for t in transactions), Decimal(0))
        lines += ["", f"{len(transactions)} transactions totalling {total} {'/'.join(currencies)}."]
    lines += ["", f"{NARRATIVE_PLACEHOLDER} who, what, when, where, why and how it is suspicious.]"]
    return "\n".join(lines)
