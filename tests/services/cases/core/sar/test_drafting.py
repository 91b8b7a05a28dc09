"""Drafting a SAR from a case: facts from the alerts, gaps listed, a placeholder to replace."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from services.cases.core.sar.content import NARRATIVE_PLACEHOLDER, content_violations
from services.cases.core.sar.drafting import DraftInputs, draft_from_case
from services.cases.core.sar.profiles import DEMO_GOAML
from tests.services.cases.core.sar.samples import PERSON
from tests.services.cases.factory import open_case, ring_alert, screening_alert

EVIDENCE = {
    "transactions": [
        {
            "id": "t2",
            "from": "acct-2",
            "to": "acct-1",
            "amount": "4000.50",
            "currency": "aed",
            "at": "2024-05-02T10:00:00+00:00",
        },
        {
            "tx_id": "t1",
            "source": "acct-3",
            "target": "acct-1",
            "amount": 5000,
            "currency": "AED",
            "timestamp": "2024-05-01T09:00:00+00:00",
        },
        {
            "id": "t3",
            "from": "acct-4",
            "to": "acct-1",
            "amount": "lots",
            "currency": "AED",
            "at": "2024-05-03T09:00:00+00:00",
        },
        {
            "id": "t4",
            "from": "acct-4",
            "to": "acct-1",
            "amount": "10",
            "currency": "AED",
            "at": "2024-05-03T09:00:00",
        },
        "not an object",
    ],
    "accounts": [{"number": "acct-1", "holder": "cust-1"}],
}


def inputs(**change: object) -> DraftInputs:
    ring = replace(ring_alert(), evidence=EVIDENCE)
    base = DraftInputs(
        open_case(ring), (ring,), (PERSON,), DEMO_GOAML.institution, date(2024, 6, 1)
    )
    return replace(base, **change)  # type: ignore[arg-type]  # test data


def test_transactions_and_accounts_come_from_the_alert_evidence() -> None:
    draft = draft_from_case(inputs())
    content = draft.content
    assert [t.reference for t in content.transactions] == ["t1", "t2"]  # in time order
    assert content.transactions[1].amount == Decimal("4000.50")
    assert content.transactions[1].currency == "AED"
    assert {a.number for a in content.accounts} == {"acct-1", "acct-2", "acct-3"}
    assert content.account("acct-1").holder_ref == "cust-1"  # type: ignore[union-attr]
    assert content.activity_from == date(2024, 5, 1)
    assert content.typologies == ("fan_in",)


def test_every_unusable_evidence_entry_is_listed_not_dropped_silently() -> None:
    notes = draft_from_case(inputs()).notes
    assert "alert graph:ring:1: transaction #3 is incomplete, left out" in notes
    assert "alert graph:ring:1: transaction #4 is incomplete, left out" in notes  # no time zone
    assert "alert graph:ring:1: transaction #5 is incomplete, left out" in notes
    assert "2 account(s) have no known holder among the subjects" in notes


def test_the_narrative_is_a_skeleton_the_mlro_must_complete() -> None:
    content = draft_from_case(inputs()).content
    assert "Fan-in ring #1" in content.narrative
    assert "2 transactions totalling 9000.50 AED" in content.narrative
    assert NARRATIVE_PLACEHOLDER in content.narrative
    assert "narrative" in [v.field for v in content_violations(content, "AED")]


def test_a_screening_case_is_typed_as_sanctions_and_a_missing_subject_is_noted() -> None:
    alert = screening_alert()
    draft = draft_from_case(inputs(case=open_case(alert), alerts=(alert,), subjects=()))
    assert draft.content.typologies == ("sanctions",)
    assert draft.content.transactions == ()
    assert draft.content.activity_from == alert.raised_at.date()
    assert any("no customer record" in n for n in draft.notes)
