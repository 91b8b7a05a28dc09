"""Officer administration, security events and audit verification."""

from __future__ import annotations

import pytest

from services.cases import admin, handlers
from services.cases.core.audit import Break, SecurityAction
from services.cases.core.roles import Role
from services.common.errors import AlreadyExists, InvalidArgument, PermissionDenied
from tests.services.cases.factory import screening_alert
from tests.services.cases.memory import memory_deps


def test_the_cli_bootstraps_an_admin_who_then_manages_officers() -> None:
    m = memory_deps()
    admin.create_officer(
        admin.BOOTSTRAP, admin.NewOfficer("root", "Root", frozenset({Role.ADMIN})), m.deps
    )
    created = admin.create_officer(
        "root", admin.NewOfficer("new.analyst", "New", frozenset({Role.ANALYST})), m.deps
    )
    assert created.roles == frozenset({Role.ANALYST})
    with pytest.raises(AlreadyExists):
        admin.create_officer(
            "root", admin.NewOfficer("new.analyst", "Again", frozenset({Role.ANALYST})), m.deps
        )
    with pytest.raises(PermissionDenied):
        admin.create_officer("rita", admin.NewOfficer("x", "X", frozenset({Role.MLRO})), m.deps)
    with pytest.raises(InvalidArgument):
        admin.create_officer(
            "root", admin.NewOfficer("bad id!", "X", frozenset({Role.ANALYST})), m.deps
        )
    actions = [e.action for e in m.audit.entries()]
    assert actions == [SecurityAction.OFFICER_CREATED.value] * 2


def test_role_changes_and_deactivation_take_effect_and_are_audited() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    admin.set_roles("ada", "ana", frozenset({Role.AUDITOR}), m.deps)
    with pytest.raises(PermissionDenied):
        handlers.claim_case("ana", case_id, m.deps)
    admin.deactivate_officer("ada", "alex", m.deps)
    with pytest.raises(PermissionDenied):
        handlers.get_case("alex", case_id, m.deps)
    with pytest.raises(InvalidArgument):
        admin.deactivate_officer("ada", "ada", m.deps)
    changed = [
        e for e in m.audit.entries() if e.action == SecurityAction.OFFICER_ROLES_CHANGED.value
    ]
    assert changed[0].details == {"old": ["analyst"], "new": ["auditor"]}


def test_verification_names_the_first_broken_link_and_is_itself_audited() -> None:
    m = memory_deps()
    case_id = handlers.intake(screening_alert(), m.deps).case_id or ""
    handlers.claim_case("ana", case_id, m.deps)
    admin.record_security_event("ana", SecurityAction.LOGIN_SUCCEEDED, "console", m.deps)
    assert admin.verify_audit("aud", None, m.deps).ok
    m.audit.tamper(1, None)  # someone deletes the second entry
    report = admin.verify_audit("aud", None, m.deps)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (3, Break.OUT_OF_SEQUENCE)
    last = m.audit.entries()[-1]
    assert (last.action, last.details) == (
        SecurityAction.AUDIT_VERIFIED.value,
        {"ok": False, "first_broken": 3},
    )
    with pytest.raises(PermissionDenied):
        admin.verify_audit("ana", None, m.deps)
    assert len(admin.read_audit("mia", 0, 2, m.deps)) == 2


def test_an_officer_reads_their_own_record_and_only_admins_read_others() -> None:
    m = memory_deps()
    assert admin.get_officer("ana", "ana", m.deps).roles == frozenset({Role.ANALYST})
    with pytest.raises(PermissionDenied):
        admin.get_officer("ana", "rita", m.deps)
    assert admin.get_officer("ada", "rita", m.deps).id == "rita"
    assert [o.id for o in admin.list_officers("ada", m.deps)][:2] == ["ada", "alex"]
