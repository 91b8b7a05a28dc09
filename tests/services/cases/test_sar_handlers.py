"""SAR use cases on the in-memory adapters: drafting, visibility, four-eyes, export, audit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.cases import handlers, sar_handlers
from services.cases.core.audit import SecurityAction
from services.cases.core.model import Outcome
from services.cases.core.sar.events import SarStatus
from services.cases.core.sar.model import SarFormat
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from tests.services.cases.core.sar.samples import CONTENT
from tests.services.cases.factory import screening_alert
from tests.services.cases.memory import Memory, memory_deps


def escalated_case(m: Memory) -> str:
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    handlers.claim_case("ana", case_id, m.deps)
    handlers.decide_case("ana", case_id, Outcome.ESCALATED, "suspicious", m.deps)
    return case_id


def drafted(m: Memory) -> str:
    case_id = escalated_case(m)
    sar = sar_handlers.draft_sar("mia", case_id, m.deps)
    assert any("no customer record" in n for n in sar.notes)
    sar_handlers.edit_sar("mia", sar.report.id, replace(CONTENT, case_id=case_id), m.deps)
    return sar.report.id


def test_the_full_sar_path_from_draft_to_filing() -> None:
    m = memory_deps()
    sar_id = drafted(m)
    sar_handlers.submit_sar("mia", sar_id, m.deps)
    with pytest.raises(PermissionDenied):
        sar_handlers.approve_sar("mia", sar_id, "", m.deps)
    approved = sar_handlers.approve_sar("max", sar_id, "file it", m.deps)
    assert approved.status is SarStatus.APPROVED
    assert [(a.maker, a.checker) for a in m.sars.approvals] == [("mia", "max")]
    for fmt in SarFormat:
        rendered = sar_handlers.export_sar("mia", sar_id, fmt, m.deps)
        assert rendered.document.startswith(b"<?xml")
    filed = sar_handlers.record_sar_filing("mia", sar_id, "FIU-2025-001", m.deps)
    assert filed.status is SarStatus.FILED
    assert len(filed.exports) == 2


@pytest.mark.parametrize("who", ["ana", "alex", "rita", "aud", "ada", "stranger"])
def test_a_sar_is_invisible_to_everyone_but_the_mlro_and_its_reviewers(who: str) -> None:
    m = memory_deps()
    sar_id = drafted(m)
    with pytest.raises((NotFound, PermissionDenied)) as refused:
        sar_handlers.get_sar(who, sar_id, m.deps)
    if who != "stranger":
        assert isinstance(refused.value, NotFound)
    with pytest.raises((NotFound, PermissionDenied)):
        sar_handlers.validate_sar(who, sar_id, SarFormat.GOAML, m.deps)
    if who == "rita":  # a reviewer, but not assigned to this SAR
        assert sar_handlers.list_sars(who, m.deps) == ()
    else:
        with pytest.raises(PermissionDenied):
            sar_handlers.list_sars(who, m.deps)


def test_an_assigned_reviewer_sees_the_sar_and_each_read_is_audited() -> None:
    m = memory_deps()
    sar_id = drafted(m)
    sar_handlers.set_sar_reviewer("mia", sar_id, "rita", True, m.deps)
    assert sar_handlers.get_sar("rita", sar_id, m.deps).id == sar_id
    assert [r.id for r in sar_handlers.list_sars("rita", m.deps)] == [sar_id]
    assert sar_handlers.list_sars("rob", m.deps) == ()
    reads = [e for e in m.audit.entries() if e.action == SecurityAction.SAR_READ.value]
    assert [(e.actor, e.target) for e in reads] == [("rita", f"sar:{sar_id}")]


def test_the_audit_log_records_sar_events_without_their_content() -> None:
    m = memory_deps()
    sar_id = drafted(m)
    sar_entries = [e for e in m.audit.entries() if e.target.startswith(f"sar:{sar_id}")]
    assert [e.action for e in sar_entries] == ["sar.SarDrafted", "sar.SarEdited"]
    for entry in sar_entries:
        assert set(entry.details) <= {"event_sha256", "status"}
        assert "cust-1" not in str(entry.details)


def test_an_export_before_approval_is_refused_and_an_invalid_draft_explains_itself() -> None:
    m = memory_deps()
    sar_id = drafted(m)
    with pytest.raises(Exception, match="cannot export"):
        sar_handlers.export_sar("mia", sar_id, SarFormat.GOAML, m.deps)
    long = replace(CONTENT, case_id=m.sars.get(sar_id).case_id, narrative="x" * 8_001)
    sar_handlers.edit_sar("mia", sar_id, long, m.deps)
    problems = sar_handlers.validate_sar("mia", sar_id, SarFormat.GOAML, m.deps)
    assert [p.description for p in problems] == [
        "narrative: value is longer than the 8000 characters allowed"
    ]
    assert sar_handlers.validate_sar("mia", sar_id, SarFormat.FINCEN, m.deps) == ()


def test_a_draft_with_the_placeholder_narrative_cannot_be_submitted() -> None:
    m = memory_deps()
    case_id = escalated_case(m)
    sar = sar_handlers.draft_sar("mia", case_id, m.deps)
    with pytest.raises(InvalidArgument) as refused:
        sar_handlers.submit_sar("mia", sar.report.id, m.deps)
    assert "narrative" in [v.field for v in refused.value.violations]
