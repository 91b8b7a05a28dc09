"""Case use cases end to end on the in-memory adapters: intake to approval, with audit."""

from __future__ import annotations

import hashlib

import pytest

from services.cases import handlers
from services.cases.core.audit import verify_chain
from services.cases.core.model import CaseStatus, HitVerdict, Outcome, SubjectRef
from services.cases.core.readmodels import SubjectStanding
from services.cases.ports import CaseQuery
from services.common.alerts import ScreeningMatch, Severity, SubjectKind
from services.common.errors import NotFound, PermissionDenied, ResourceExhausted
from tests.services.cases.factory import ring_alert, screening_alert
from tests.services.cases.memory import memory_deps

CUSTOMER = SubjectRef(SubjectKind.CUSTOMER, "cust-1")


def test_an_alert_becomes_a_case_once_and_a_duplicate_changes_nothing() -> None:
    m = memory_deps()
    first = handlers.intake(screening_alert(), m.deps)
    again = handlers.intake(screening_alert(), m.deps)
    assert first.opened
    assert again.duplicate
    assert again.case_id == first.case_id
    assert len(m.cases.events(first.case_id or "")) == 2


def test_a_screening_hit_from_intake_to_a_suppression() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    assert handlers.subject_standing(CUSTOMER, m.deps) is SubjectStanding.UNDER_REVIEW
    claimed = handlers.claim_next("ana", frozenset(), m.deps)
    assert claimed is not None
    assert claimed.id == case_id
    hit = claimed.hits[0].alert_key
    handlers.review_hit(
        "ana", case_id, hit, HitVerdict.FALSE_POSITIVE, "different birth year", m.deps
    )
    pending = handlers.decide_case(
        "ana", case_id, Outcome.FALSE_POSITIVE, "not our customer", m.deps
    )
    assert pending.status is CaseStatus.PENDING_APPROVAL
    with pytest.raises(PermissionDenied):
        handlers.approve_decision("ana", case_id, "", m.deps)
    closed = handlers.approve_decision("rita", case_id, "agreed", m.deps)
    assert (closed.status, closed.outcome) == (CaseStatus.CLOSED, Outcome.FALSE_POSITIVE)
    match = screening_alert().match
    assert match is not None
    assert handlers.is_suppressed("cust-1", match, m.deps)
    changed = ScreeningMatch(match.list_entry_id, "changed", match.subject_hash)
    assert not handlers.is_suppressed("cust-1", changed, m.deps)
    assert [(a.maker, a.checker) for a in m.cases.approvals] == [("ana", "rita")]
    assert handlers.subject_standing(CUSTOMER, m.deps) is SubjectStanding.CLEAR


def test_every_case_event_is_in_the_audit_chain_and_it_verifies() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    handlers.claim_case("ana", case_id, m.deps)
    handlers.comment_case("ana", case_id, "checked the passport", m.deps)
    entries = m.audit.entries()
    assert [e.action for e in entries] == [
        "case.CaseOpened",
        "case.AlertAttached",
        "case.AssigneeChanged",
        "case.StatusChanged",
        "case.CommentAdded",
    ]
    assert verify_chain(entries).ok
    assert len(m.cases.events(case_id)) == len(entries)


def test_claim_next_hands_out_each_case_once() -> None:
    m = memory_deps()
    for n in range(3):
        handlers.intake(screening_alert(n, subject=f"cust-{n}"), m.deps)
    claimed = [
        handlers.claim_next(who, frozenset({"sanctions"}), m.deps)
        for who in ("ana", "alex", "rita", "mia")
    ]
    ids = [c.id for c in claimed if c is not None]
    assert len(ids) == 3
    assert len(set(ids)) == 3
    assert claimed[3] is None


def test_unknown_callers_and_wrong_roles_are_refused() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    with pytest.raises(PermissionDenied) as refused:
        handlers.get_case("stranger", case_id, m.deps)
    assert refused.value.reason == "NOT_AN_OFFICER"
    with pytest.raises(PermissionDenied):
        handlers.claim_case("aud", case_id, m.deps)
    with pytest.raises(PermissionDenied):
        handlers.get_case("ada", case_id, m.deps)
    assert handlers.get_case("aud", case_id, m.deps).summary.case.id == case_id


def test_list_filters_and_pages() -> None:
    m = memory_deps()
    handlers.intake(screening_alert(1, subject="a", severity=Severity.LOW), m.deps)
    handlers.intake(screening_alert(2, subject="b", severity=Severity.CRITICAL), m.deps)
    handlers.intake(ring_alert(3), m.deps)
    rows, total = handlers.list_cases("ana", CaseQuery(queues=frozenset({"sanctions"})), m.deps)
    assert total == 2
    assert [r.case.severity for r in rows] == [Severity.CRITICAL, Severity.LOW]  # claim order
    rows, total = handlers.list_cases("ana", CaseQuery(limit=1, offset=1), m.deps)
    assert (len(rows), total) == (1, 3)


def test_evidence_is_stored_by_digest_and_read_back() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    upload = handlers.Upload("passport.png", "image/png", b"\x89PNG fake")
    meta = handlers.attach_evidence("ana", case_id, upload, m.deps)
    assert meta.sha256 == hashlib.sha256(upload.content).hexdigest()
    event, content = handlers.get_evidence("aud", case_id, meta.evidence_id, m.deps)
    assert content == upload.content
    assert event.filename == "passport.png"
    with pytest.raises(NotFound):
        handlers.get_evidence("aud", case_id, "ev_nope", m.deps)
    with pytest.raises(ResourceExhausted):
        handlers.attach_evidence(
            "ana",
            case_id,
            handlers.Upload("x.bin", "application/octet-stream", b"x" * (26 * 2**20)),
            m.deps,
        )


def test_timeline_and_dashboard() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    handlers.claim_case("ana", case_id, m.deps)
    handlers.decide_case("ana", case_id, Outcome.ESCALATED, "wires to a shell company", m.deps)
    entries = handlers.case_timeline("aud", case_id, m.deps)
    assert entries[-1].what == "StatusChanged"
    assert entries[-1].note == "wires to a shell company"
    board = handlers.case_dashboard("rita", m.deps)
    assert board.by_officer["ana"].closed == 1
    assert board.open_by_queue == {}


def test_reopen_is_refused_while_another_case_is_open_for_the_subject() -> None:
    m = memory_deps()
    first = handlers.intake(screening_alert(1), m.deps).case_id or ""
    handlers.claim_case("ana", first, m.deps)
    handlers.decide_case("ana", first, Outcome.ESCALATED, "passed to the MLRO", m.deps)
    second = handlers.intake(screening_alert(2), m.deps)
    assert second.opened
    with pytest.raises(Exception, match="another case is open"):
        handlers.reopen_case("rita", first, "new information", m.deps)


def test_a_revoked_suppression_lets_screening_raise_the_pair_again() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    handlers.claim_case("ana", case_id, m.deps)
    hit = m.cases.get(case_id).hits[0].alert_key
    handlers.review_hit("ana", case_id, hit, HitVerdict.FALSE_POSITIVE, "other person", m.deps)
    handlers.decide_case("ana", case_id, Outcome.FALSE_POSITIVE, "cleared", m.deps)
    handlers.approve_decision("rita", case_id, "", m.deps)
    (cleared,) = handlers.list_suppressions("aud", "cust-1", m.deps)
    with pytest.raises(PermissionDenied):
        handlers.revoke_suppression("ana", cleared, "adverse media", m.deps)
    handlers.revoke_suppression("mia", cleared, "adverse media", m.deps)
    match = screening_alert().match
    assert match is not None
    assert not handlers.is_suppressed("cust-1", match, m.deps)
    assert handlers.list_suppressions("aud", "cust-1", m.deps) == ()
    assert m.audit.entries()[-1].action == "security.suppression_revoked"
    with pytest.raises(NotFound):
        handlers.revoke_suppression("mia", cleared, "again", m.deps)
