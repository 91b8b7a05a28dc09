"""Officers, roles and the one authorisation table of case management.

Every officer action is an `Action`; `PERMISSIONS` says which roles may perform it. The table is
the single place where role-based access is decided: the gRPC servicer, the console and the
Celery tasks all call `authorize`. Relations that are not roles (only the assignee works a case,
maker != checker, only assigned reviewers see a SAR) are checked by the workflow functions on
top of this table, never instead of it.

Separation of duties is deliberate:
- admin configures (officers, queues) but takes no case decision and reads no case: an IT
  administrator must not be able to clear a hit;
- auditor reads everything needed to audit the case work (cases, timelines, the audit chain) and
  changes nothing; SARs are outside their reach, like everyone's but the MLRO and the reviewers
  the MLRO assigns (tipping-off rules);
- the MLRO can do what a reviewer does, and alone files SARs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import InvalidArgument, PermissionDenied


class Role(StrEnum):
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    MLRO = "mlro"
    ADMIN = "admin"
    AUDITOR = "auditor"


class Action(StrEnum):
    """Everything an officer can ask case management to do (see `PERMISSIONS`)."""

    CASE_READ = "case.read"  # list, get, timeline, alerts, evidence download
    CASE_CLAIM = "case.claim"  # claim-next or take an unassigned case for oneself
    CASE_ASSIGN = "case.assign"  # assign or reassign a case to another officer, release it
    CASE_WORK = "case.work"  # review hits, snooze, propose a decision (assignee only)
    CASE_COMMENT = "case.comment"
    CASE_ATTACH = "case.attach"  # evidence attachments
    CASE_APPROVE = "case.approve"  # the checker of four-eyes decisions
    CASE_REOPEN = "case.reopen"
    DASHBOARD_READ = "dashboard.read"  # queue depth, SLA, decisions, false-positive rates
    SUPPRESSION_REVOKE = "suppression.revoke"
    SAR_DRAFT = "sar.draft"  # create a SAR draft from a case, assign reviewers to it
    SAR_READ = "sar.read"  # MLRO, or a reviewer the MLRO assigned to that SAR
    SAR_EDIT = "sar.edit"  # MLRO, or an assigned reviewer
    SAR_APPROVE = "sar.approve"  # file: the MLRO as checker
    SAR_EXPORT = "sar.export"  # goAML / FinCEN XML of an approved SAR
    AUDIT_READ = "audit.read"  # read and verify the hash-chained audit log
    OFFICER_MANAGE = "officer.manage"  # create officers, change roles, deactivate
    QUEUE_CONFIGURE = "queue.configure"


_CASE_WORKERS = frozenset({Role.ANALYST, Role.REVIEWER, Role.MLRO})
_CHECKERS = frozenset({Role.REVIEWER, Role.MLRO})
_MLRO = frozenset({Role.MLRO})

PERMISSIONS: Mapping[Action, frozenset[Role]] = {
    Action.CASE_READ: _CASE_WORKERS | {Role.AUDITOR},
    Action.CASE_CLAIM: _CASE_WORKERS,
    Action.CASE_ASSIGN: _CHECKERS,
    Action.CASE_WORK: _CASE_WORKERS,
    Action.CASE_COMMENT: _CASE_WORKERS,
    Action.CASE_ATTACH: _CASE_WORKERS,
    Action.CASE_APPROVE: _CHECKERS,
    Action.CASE_REOPEN: _CHECKERS,
    Action.DASHBOARD_READ: _CASE_WORKERS | {Role.AUDITOR},
    Action.SUPPRESSION_REVOKE: _CHECKERS,
    Action.SAR_DRAFT: _MLRO,
    # Reviewers hold the role needed to read and edit a SAR, but only the SARs they are
    # assigned to: `services.cases.core.sar.workflow` checks that relation.
    Action.SAR_READ: _CHECKERS,
    Action.SAR_EDIT: _CHECKERS,
    Action.SAR_APPROVE: _MLRO,
    Action.SAR_EXPORT: _MLRO,
    Action.AUDIT_READ: frozenset({Role.AUDITOR, Role.MLRO}),
    Action.OFFICER_MANAGE: frozenset({Role.ADMIN}),
    Action.QUEUE_CONFIGURE: frozenset({Role.ADMIN}),
}


@dataclass(frozen=True, slots=True)
class Officer:
    """A person who logs in to case management. `id` is stable and appears in every event."""

    id: str
    display_name: str
    roles: frozenset[Role]
    active: bool = True

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidArgument.for_field("officer.id", "must not be empty")
        if not self.roles:
            raise InvalidArgument.for_field("officer.roles", "an officer needs at least one role")

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


def allowed(officer: Officer, action: Action) -> bool:
    """Whether the officer's roles permit the action (inactive officers may do nothing)."""
    return officer.active and officer.has_any(PERMISSIONS[action])


def authorize(officer: Officer, action: Action) -> None:
    """Raise `PermissionDenied` unless one of the officer's roles permits `action`."""
    if not officer.active:
        raise PermissionDenied(f"officer {officer.id} is deactivated", reason="OFFICER_INACTIVE")
    if not officer.has_any(PERMISSIONS[action]):
        needed = ", ".join(sorted(PERMISSIONS[action]))
        raise PermissionDenied(
            f"{action.value} needs one of the roles: {needed}", reason="ROLE_NOT_PERMITTED"
        )
