"""Builds the case handlers' dependencies from the runtime container (once per process)."""

from __future__ import annotations

from services.cases.adapters.audit import SqlAuditLog
from services.cases.adapters.cases import SqlCaseStore
from services.cases.adapters.stores import SqlEvidence, SqlOfficers, SqlSarStore, SqlSuppressions
from services.cases.handlers import CaseConfig, CaseDeps
from services.cases.ports import NoSubjects, SubjectDirectory
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
        subjects=customer_subjects(container),
        clock=utcnow,
        new_id=new_id,
        config=CaseConfig(profiles=chosen.profiles()),
    )


def customer_subjects(container: Container) -> SubjectDirectory:
    """SAR subjects come from onboarding's customer records (decrypted only while drafting).

    Built from onboarding's stores directly rather than its deps, which themselves use the case
    deps; a build without the onboarding area drafts with the subject left to fill in.
    """
    try:
        from services.onboarding.adapters.cases_area import CustomerDirectory
        from services.onboarding.adapters.customers import SqlCustomerStore
        from services.onboarding.adapters.keys import SqlDataKeyStore
        from services.onboarding.pii import PiiVault
    except ImportError:  # pragma: no cover - only in a build that leaves onboarding out
        return NoSubjects()
    vault = PiiVault(container.key_ring, SqlDataKeyStore(container.database))
    return CustomerDirectory(SqlCustomerStore(container.database, vault))


def case_deps(container: Container) -> CaseDeps:
    """The process's case dependencies (built on first use, then shared)."""
    return container.area("cases", build_case_deps)
