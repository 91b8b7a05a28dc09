"""Retention selection: due records, and the open-case and legal-hold exemptions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.onboarding.core.customer import (
    LegalHold,
    end_relationship,
    link_account,
    mark_shredded,
    place_legal_hold,
)
from services.onboarding.core.periods import Period
from services.onboarding.core.retention import (
    Exemption,
    RecordType,
    RetainedRecord,
    RetentionPolicy,
    due_on,
    plan_purge,
    retained_customer,
)
from tests.services.onboarding.factories import NOW, customer

OPENED = datetime(2012, 5, 1, 9, 0, tzinfo=UTC)
POLICY = RetentionPolicy(
    {
        RecordType.CUSTOMER: Period(5),
        RecordType.APPLICATION: Period(1),
        RecordType.IDENTITY_EVIDENCE: Period(months=6),
    }
)


def record(
    record_id: str,
    started: date | None,
    kind: RecordType = RecordType.CUSTOMER,
    hold: bool = False,
) -> RetainedRecord:
    return RetainedRecord(kind, record_id, frozenset({f"customer:{record_id}"}), started, hold)


def test_due_exactly_on_the_anniversary() -> None:
    closed = record("c1", date(2020, 2, 29))
    assert due_on(closed, POLICY) == date(2025, 2, 28)
    assert plan_purge([closed], POLICY, frozenset(), date(2025, 2, 27)).due == ()
    assert [c.record for c in plan_purge([closed], POLICY, frozenset(), date(2025, 2, 28)).due] == [
        closed
    ]


def test_each_record_type_has_its_own_period() -> None:
    today = date(2026, 1, 1)
    plan = plan_purge(
        [
            record("app", date(2024, 12, 31), RecordType.APPLICATION),
            record("img", date(2025, 6, 30), RecordType.IDENTITY_EVIDENCE),
            record("cus", date(2024, 12, 31), RecordType.CUSTOMER),
        ],
        POLICY,
        frozenset(),
        today,
    )
    assert sorted(c.record.record_id for c in plan.due) == ["app", "img"]


def test_running_clocks_are_never_due() -> None:
    assert plan_purge([record("active", None)], POLICY, frozenset(), date(2100, 1, 1)).due == ()


def test_legal_hold_and_open_cases_exempt_with_their_reason() -> None:
    old = date(2015, 1, 1)
    plan = plan_purge(
        [record("held", old, hold=True), record("cased", old), record("free", old)],
        POLICY,
        frozenset({"customer:cased", "customer:unrelated"}),
        date(2026, 1, 1),
    )
    assert [c.record.record_id for c in plan.due] == ["free"]
    assert {(e.record.record_id, e.reason, e.detail) for e in plan.exempted} == {
        ("held", Exemption.LEGAL_HOLD, "legal hold"),
        ("cased", Exemption.OPEN_CASE, "customer:cased"),
    }


def test_a_case_on_a_linked_account_protects_the_customer() -> None:
    closed = end_relationship(
        link_account(customer("cus_7", at=OPENED), "acc_42"), date(2019, 1, 1)
    )
    retained = retained_customer(closed)
    assert retained is not None
    assert retained.subjects == {"customer:cus_7", "applicant:app_cus_7", "account:acc_42"}
    plan = plan_purge([retained], POLICY, frozenset({"account:acc_42"}), date(2026, 1, 1))
    assert plan.due == ()
    assert plan.exempted[0].detail == "account:acc_42"


def test_customer_records_map_to_retention_items() -> None:
    closed = end_relationship(customer(at=OPENED), date(2019, 1, 1))
    held = retained_customer(place_legal_hold(closed, LegalHold("court order", "mlro", NOW)))
    assert retained_customer(customer()) == RetainedRecord(
        RecordType.CUSTOMER, "cus_1", frozenset({"customer:cus_1", "applicant:app_cus_1"}), None
    )
    assert held is not None
    assert held.legal_hold
    assert held.clock_started_on == date(2019, 1, 1)
    assert retained_customer(mark_shredded(closed, NOW)) is None
