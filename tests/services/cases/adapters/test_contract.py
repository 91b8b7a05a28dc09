"""The store contract, run over the in-memory fakes, SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from services.cases import admin, handlers, sar_handlers
from services.cases.core.audit import verify_chain
from services.cases.core.model import CaseStatus, HitVerdict, Outcome, SubjectRef
from services.cases.core.queues import SlaState
from services.cases.core.readmodels import SubjectStanding
from services.cases.core.sar.events import SarStatus
from services.cases.core.sar.model import SarFormat
from services.cases.handlers import CaseDeps
from services.cases.ports import CaseQuery
from services.common.alerts import Severity, SubjectKind
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from tests.services.cases.core.sar.samples import CONTENT
from tests.services.cases.factory import MIA, ring_alert, screening_alert
from tests.services.cases.memory import Clock

Deps = tuple[CaseDeps, Clock]


def test_intake_is_idempotent_and_keeps_one_open_case_per_subject(any_deps: Deps) -> None:
    deps, _ = any_deps
    first = handlers.intake(screening_alert(1), deps)
    assert handlers.intake(screening_alert(1), deps).duplicate
    second = handlers.intake(screening_alert(2, severity=Severity.CRITICAL), deps)
    assert second.case_id == first.case_id
    assert not second.opened
    case = deps.cases.get(first.case_id or "")
    assert case.severity is Severity.CRITICAL
    assert [a.key for a in deps.cases.alerts(case.id)] == list(case.alert_keys)
    assert deps.cases.alerts(case.id)[0].match == screening_alert(1).match  # decrypted intact


def test_a_full_decision_round_trips_through_the_store(any_deps: Deps) -> None:
    deps, clock = any_deps
    case_id = handlers.intake(screening_alert(), deps).case_id or ""
    claimed = handlers.claim_next("ana", frozenset({"sanctions"}), deps)
    assert claimed is not None
    clock.advance(minutes=5)
    handlers.review_hit(
        "ana", case_id, claimed.hits[0].alert_key, HitVerdict.FALSE_POSITIVE, "dob", deps
    )
    handlers.decide_case("ana", case_id, Outcome.FALSE_POSITIVE, "not the listed person", deps)
    with pytest.raises(PermissionDenied):
        handlers.approve_decision("ana", case_id, "", deps)
    closed = handlers.approve_decision("rita", case_id, "agreed", deps)
    assert closed == deps.cases.get(case_id)
    assert (closed.status, closed.outcome) == (CaseStatus.CLOSED, Outcome.FALSE_POSITIVE)
    match = screening_alert().match
    assert match is not None
    assert handlers.is_suppressed("cust-1", match, deps)
    assert deps.suppressions.for_customer("cust-1")[0].list_entry_id == match.list_entry_id
    subject = SubjectRef(SubjectKind.CUSTOMER, "cust-1")
    assert handlers.subject_standing(subject, deps) is SubjectStanding.CLEAR
    timeline = handlers.case_timeline("aud", case_id, deps)
    assert [e.seq for e in timeline] == list(range(1, closed.version + 1))


def test_every_write_is_in_the_audit_chain(any_deps: Deps) -> None:
    deps, _ = any_deps
    case_id = handlers.intake(screening_alert(), deps).case_id or ""
    handlers.claim_case("ana", case_id, deps)
    handlers.comment_case("ana", case_id, 'note with ünïcödé and "quotes"', deps)
    entries = deps.audit.entries()
    assert len(entries) == len(deps.cases.events(case_id))
    assert verify_chain(deps.audit.iter_entries()).ok
    assert deps.audit.head() is not None
    assert deps.audit.head().seq == len(entries)  # type: ignore[union-attr]


def test_find_filters_orders_and_counts(any_deps: Deps) -> None:
    deps, _ = any_deps
    handlers.intake(screening_alert(1, subject="a", severity=Severity.LOW), deps)
    handlers.intake(screening_alert(2, subject="b", severity=Severity.CRITICAL), deps)
    handlers.intake(ring_alert(3), deps)
    page = deps.cases.find(CaseQuery(queues=frozenset({"sanctions"})))
    assert page.total == 2
    assert [c.subject.id for c in page.cases] == ["b", "a"]
    assert deps.cases.find(CaseQuery(severities=frozenset({Severity.MEDIUM}))).total == 1
    # claim order: due first (critical 4 h, low 5 d in sanctions, medium 10 d in transactions)
    assert deps.cases.find(CaseQuery(limit=1, offset=2)).cases[0].queue == "transactions"
    assert len(deps.cases.decision_events()) == 0
    with pytest.raises(NotFound):
        deps.cases.get("case_missing")


def test_list_filters_by_sla_state_in_the_store(any_deps: Deps) -> None:
    """The handler's SLA filter (due windows) selects exactly what `sla_state` says."""
    deps, clock = any_deps
    handlers.intake(screening_alert(1, subject="a", severity=Severity.CRITICAL), deps)  # 4 h
    handlers.intake(screening_alert(2, subject="b", severity=Severity.LOW), deps)  # 5 days
    clock.advance(hours=3, minutes=30)  # critical: at risk (last quarter of 4 h)
    handlers.intake(ring_alert(3), deps)

    def subjects(*states: SlaState) -> list[str]:
        query = CaseQuery(sla_states=frozenset(states))
        rows, total = handlers.list_cases(MIA.id, query, deps)
        assert total == len(rows)
        return sorted(r.case.subject.id for r in rows)

    assert subjects(SlaState.AT_RISK) == ["a"]
    assert subjects(SlaState.BREACHED) == []
    assert len(subjects(SlaState.ON_TRACK)) == 2
    clock.advance(hours=1)
    assert subjects(SlaState.BREACHED) == ["a"]
    assert subjects(SlaState.AT_RISK, SlaState.BREACHED) == ["a"]
    with pytest.raises(InvalidArgument):
        handlers.list_cases(MIA.id, CaseQuery(sla_states=frozenset({SlaState.MET})), deps)


def test_evidence_bytes_round_trip_by_digest(any_deps: Deps) -> None:
    deps, _ = any_deps
    case_id = handlers.intake(screening_alert(), deps).case_id or ""
    content = bytes(range(256)) * 10
    meta = handlers.attach_evidence(
        "ana", case_id, handlers.Upload("scan.bin", "application/octet-stream", content), deps
    )
    assert meta.sha256 == hashlib.sha256(content).hexdigest()
    assert handlers.get_evidence("rita", case_id, meta.evidence_id, deps)[1] == content


def test_sars_round_trip_and_approvals_are_recorded(any_deps: Deps) -> None:
    deps, _ = any_deps
    case_id = handlers.intake(screening_alert(), deps).case_id or ""
    handlers.claim_case("ana", case_id, deps)
    handlers.decide_case("ana", case_id, Outcome.ESCALATED, "to the MLRO", deps)
    sar = sar_handlers.draft_sar("mia", case_id, deps).report
    sar_handlers.edit_sar("mia", sar.id, replace(CONTENT, case_id=case_id), deps)
    sar_handlers.submit_sar("mia", sar.id, deps)
    approved = sar_handlers.approve_sar("max", sar.id, "", deps)
    assert approved == deps.sars.get(sar.id)
    assert approved.status is SarStatus.APPROVED
    assert approved.content.transactions == CONTENT.transactions  # Decimals and times intact
    rendered = sar_handlers.export_sar("mia", sar.id, SarFormat.FINCEN, deps)
    assert deps.sars.get(sar.id).exports == ((SarFormat.FINCEN, rendered.sha256),)
    assert len(deps.sars.events(sar.id)) == 5
    assert [r.id for r in sar_handlers.list_sars("mia", deps)] == [sar.id]


def test_officers_round_trip(any_deps: Deps) -> None:
    deps, _ = any_deps
    officer = admin.get_officer("ada", "mia", deps)
    assert officer.display_name == "Mia"
    assert len(admin.list_officers("ada", deps)) == 8
    with pytest.raises(NotFound):
        deps.officers.get("nobody")
