"""Administration use cases: officers and roles, the audit chain, security events.

Officer changes are security events and go in the audit chain. `bootstrap` identities (the CLI
run by an operator on the server) may create the first admin; after that only admins manage
officers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.cases.core.audit import (
    AuditEntry,
    AuditRecord,
    ChainAnchor,
    ChainReport,
    SecurityAction,
    verify_chain,
)
from services.cases.core.roles import Action, Officer, Role, authorize
from services.cases.handlers import CaseDeps, officer_of
from services.common.errors import InvalidArgument

BOOTSTRAP = "system:cli"
MAX_AUDIT_PAGE = 1_000


@dataclass(frozen=True, slots=True)
class NewOfficer:
    id: str
    display_name: str
    roles: frozenset[Role]


def _admin(actor_id: str, deps: CaseDeps) -> str:
    if actor_id == BOOTSTRAP:
        return actor_id
    authorize(officer_of(actor_id, deps), Action.OFFICER_MANAGE)
    return actor_id


def _audit(
    deps: CaseDeps, actor: str, action: SecurityAction, target: str, **details: object
) -> None:
    deps.audit.append([AuditRecord(deps.clock(), actor, action.value, target, details)])


def get_officer(actor_id: str, officer_id: str, deps: CaseDeps) -> Officer:
    """An officer may read their own record (the console does, after a log-in); admins any."""
    if actor_id != officer_id:
        _admin(actor_id, deps)
    return deps.officers.get(officer_id)


def list_officers(actor_id: str, deps: CaseDeps) -> tuple[Officer, ...]:
    _admin(actor_id, deps)
    return deps.officers.all()


def create_officer(actor_id: str, new: NewOfficer, deps: CaseDeps) -> Officer:
    """Add an officer (admins only; the CLI bootstrap identity for the first one)."""
    actor = _admin(actor_id, deps)
    if not new.id.isascii() or not new.id.replace("-", "").replace(".", "").isalnum():
        raise InvalidArgument.for_field("id", "letters, digits, '-' and '.' only")
    officer = Officer(new.id, new.display_name, new.roles)
    deps.officers.add(officer)
    _audit(
        deps,
        actor,
        SecurityAction.OFFICER_CREATED,
        f"officer:{officer.id}",
        roles=sorted(new.roles),
    )
    return officer


def set_roles(actor_id: str, officer_id: str, roles: frozenset[Role], deps: CaseDeps) -> Officer:
    actor = _admin(actor_id, deps)
    current = deps.officers.get(officer_id)
    updated = replace(current, roles=roles)
    deps.officers.replace(updated)
    _audit(
        deps,
        actor,
        SecurityAction.OFFICER_ROLES_CHANGED,
        f"officer:{officer_id}",
        old=sorted(current.roles),
        new=sorted(roles),
    )
    return updated


def deactivate_officer(actor_id: str, officer_id: str, deps: CaseDeps) -> Officer:
    actor = _admin(actor_id, deps)
    if actor == officer_id:
        raise InvalidArgument.for_field("officer_id", "an admin cannot deactivate themselves")
    updated = replace(deps.officers.get(officer_id), active=False)
    deps.officers.replace(updated)
    _audit(deps, actor, SecurityAction.OFFICER_DEACTIVATED, f"officer:{officer_id}")
    return updated


def record_security_event(
    actor_id: str, action: SecurityAction, target: str, deps: CaseDeps
) -> None:
    """Log-ins, log-outs, lock-outs and key changes reported by the console or the CLI."""
    _audit(deps, actor_id, action, target)


def read_audit(actor_id: str, after_seq: int, limit: int, deps: CaseDeps) -> tuple[AuditEntry, ...]:
    authorize(officer_of(actor_id, deps), Action.AUDIT_READ)
    return deps.audit.entries(after_seq, max(1, min(limit, MAX_AUDIT_PAGE)))


def verify_audit(actor_id: str, anchor: ChainAnchor | None, deps: CaseDeps) -> ChainReport:
    """Verify the whole chain (optionally against a trusted anchor); the check is itself audited."""
    if actor_id != BOOTSTRAP:
        authorize(officer_of(actor_id, deps), Action.AUDIT_READ)
    report = verify_chain(deps.audit.iter_entries(), anchor=anchor)
    broken = report.broken.seq if report.broken else None
    _audit(
        deps, actor_id, SecurityAction.AUDIT_VERIFIED, "audit", ok=report.ok, first_broken=broken
    )
    return report
