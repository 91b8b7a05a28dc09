"""Builds the case handlers' dependencies from the runtime container (once per process)."""

from __future__ import annotations

from services.cases.adapters.audit import SqlAuditLog
from services.cases.adapters.cases import SqlCaseStore
from services.cases.adapters.stores import SqlEvidence, SqlOfficers, SqlSarStore, SqlSuppressions
from services.cases.handlers import CaseConfig, CaseDeps
from services.cases.ports import NoSubjects
from services.cases.settings import CaseSettings
from services.common.db import utcnow
from services.common.ids import new_id
from services.common.runtime import Container


def build_case_deps(container: Container, settings: CaseSettings | None = None) -> CaseDeps:
    """SQL adapters on the container's database and key ring; settings read once."""
    chosen = settings or CaseSettings()
    database, key_ring = container.database, container.key_ring
    return CaseDeps(
        cases=SqlCaseStore(database, key_ring),
        sars=SqlSarStore(database, key_ring),
        officers=SqlOfficers(database),
        audit=SqlAuditLog(database),
        evidence=SqlEvidence(database, key_ring),
        suppressions=SqlSuppressions(database),
        # Onboarding owns customer records; until it plugs in a SubjectDirectory, drafts start
        # with the subject to fill in, and say so in their notes.
        subjects=NoSubjects(),
        clock=utcnow,
        new_id=new_id,
        config=CaseConfig(profiles=chosen.profiles()),
    )


def case_deps(container: Container) -> CaseDeps:
    """The process's case dependencies (built on first use, then shared)."""
    return container.area("cases", build_case_deps)
