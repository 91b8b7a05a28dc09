"""The authorisation table, checked exhaustively: every action against every role."""

from __future__ import annotations

import pytest

from services.cases.core.roles import PERMISSIONS, Action, Officer, Role, allowed, authorize
from services.common.errors import InvalidArgument, PermissionDenied
from tests.services.cases.factory import EVERY_ROLE

# Written out by hand from the brief, independently of PERMISSIONS: A=analyst R=reviewer
# M=MLRO D=admin U=auditor. A change to the table must change this line too.
EXPECTED = {
    Action.CASE_READ: "ARMU",
    Action.CASE_CLAIM: "ARM",
    Action.CASE_ASSIGN: "RM",
    Action.CASE_WORK: "ARM",
    Action.CASE_COMMENT: "ARM",
    Action.CASE_ATTACH: "ARM",
    Action.CASE_APPROVE: "RM",
    Action.CASE_REOPEN: "RM",
    Action.DASHBOARD_READ: "ARMU",
    Action.SUPPRESSION_REVOKE: "RM",
    Action.SAR_DRAFT: "M",
    Action.SAR_READ: "RM",
    Action.SAR_EDIT: "RM",
    Action.SAR_APPROVE: "M",
    Action.SAR_EXPORT: "M",
    Action.AUDIT_READ: "UM",
    Action.OFFICER_MANAGE: "D",
    Action.QUEUE_CONFIGURE: "D",
}
LETTER = {Role.ANALYST: "A", Role.REVIEWER: "R", Role.MLRO: "M", Role.ADMIN: "D", Role.AUDITOR: "U"}


def test_the_expected_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(Action) == set(PERMISSIONS)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_every_action_for_every_role(action: Action, role: Role) -> None:
    officer = EVERY_ROLE[role]
    expected = LETTER[role] in EXPECTED[action]
    assert allowed(officer, action) is expected
    if expected:
        authorize(officer, action)
    else:
        with pytest.raises(PermissionDenied) as refused:
            authorize(officer, action)
        assert refused.value.reason == "ROLE_NOT_PERMITTED"


def test_admin_takes_no_case_decision_and_auditor_changes_nothing() -> None:
    writes = {
        a for a in Action if a not in (Action.CASE_READ, Action.DASHBOARD_READ, Action.AUDIT_READ)
    }
    assert not any(allowed(EVERY_ROLE[Role.AUDITOR], a) for a in writes)
    decisions = {Action.CASE_WORK, Action.CASE_APPROVE, Action.SAR_APPROVE, Action.CASE_READ}
    assert not any(allowed(EVERY_ROLE[Role.ADMIN], a) for a in decisions)


def test_a_deactivated_officer_may_do_nothing() -> None:
    gone = Officer("old", "Old", frozenset(Role), active=False)
    assert not any(allowed(gone, a) for a in Action)
    with pytest.raises(PermissionDenied) as refused:
        authorize(gone, Action.CASE_READ)
    assert refused.value.reason == "OFFICER_INACTIVE"


def test_roles_combine() -> None:
    both = Officer("pat", "Pat", frozenset({Role.ANALYST, Role.AUDITOR}))
    assert allowed(both, Action.CASE_CLAIM)
    assert allowed(both, Action.AUDIT_READ)
    assert not allowed(both, Action.CASE_APPROVE)


def test_an_officer_needs_an_id_and_a_role() -> None:
    with pytest.raises(InvalidArgument):
        Officer(" ", "Nobody", frozenset({Role.ANALYST}))
    with pytest.raises(InvalidArgument):
        Officer("x", "Nobody", frozenset())
