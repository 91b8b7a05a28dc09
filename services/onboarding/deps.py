"""Building the onboarding dependencies from the composition root (once per process).

    deps = onboarding_deps(container)
    deps.evaluation                             # the Evaluate flow
    deps.customers                              # reviews, holds, re-rating, retention

The policy file is loaded and validated here, so a server, worker or CLI with a bad policy
fails at start-up with the path of the bad field. The identity, screening and case areas are
composed through their Python use cases (`adapters/identity_area.py`, `screening_area.py`,
`cases_area.py`); `adapters/areas.py` keeps stand-ins for builds without one of them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.cases.wiring import case_deps
from services.common.db import utcnow
from services.common.runtime import Container
from services.identity.wiring import identity_deps
from services.onboarding.adapters.applications import SqlApplicationStore
from services.onboarding.adapters.cases_area import CaseAuditTrail, CaseStanding
from services.onboarding.adapters.customers import SqlCustomerStore
from services.onboarding.adapters.identity_area import IdentityAreaChecker
from services.onboarding.adapters.keys import SqlDataKeyStore
from services.onboarding.adapters.screening_area import ScreeningAreaScreener
from services.onboarding.core.policy import Policy
from services.onboarding.core.policy_file import DEFAULT_POLICY, load_policy
from services.onboarding.evaluation import EvaluationDeps
from services.onboarding.handlers import CustomerDeps
from services.onboarding.pii import PiiVault
from services.onboarding.ports import AuditTrail, IdentityChecker, OpenCaseLookup, Screener
from services.onboarding.settings import OnboardingSettings
from services.onboarding.validation import InputLimits
from services.screening.deps import screening_deps

log = logging.getLogger(__name__)
AREA = "onboarding"


@dataclass(frozen=True, slots=True)
class AreaAdapters:
    """The other areas as onboarding sees them."""

    identity: IdentityChecker
    screening: Screener
    open_cases: OpenCaseLookup
    audit: AuditTrail


@dataclass(frozen=True, slots=True)
class OnboardingDeps:
    settings: OnboardingSettings
    policy: Policy
    evaluation: EvaluationDeps
    customers: CustomerDeps


def load_configured_policy(settings: OnboardingSettings) -> Policy:
    return load_policy(settings.policy_path or DEFAULT_POLICY)


def area_adapters(container: Container) -> AreaAdapters:
    """The identity, screening and case areas through their Python use cases."""
    cases = case_deps(container)
    return AreaAdapters(
        IdentityAreaChecker(identity_deps(container)),
        ScreeningAreaScreener(screening_deps(container)),
        CaseStanding(cases),
        CaseAuditTrail(cases),
    )


def build_deps(
    container: Container,
    settings: OnboardingSettings | None = None,
    adapters: AreaAdapters | None = None,
) -> OnboardingDeps:
    """Settings -> policy -> stores -> deps. Tests pass their own settings and fakes."""
    settings = settings or OnboardingSettings()
    policy = load_configured_policy(settings)
    adapters = adapters or area_adapters(container)
    vault = PiiVault(container.key_ring, SqlDataKeyStore(container.database))
    customers = SqlCustomerStore(container.database, vault)
    applications = SqlApplicationStore(container.database, vault)
    limits = InputLimits(int(settings.max_image_mb * 1024 * 1024), settings.max_liveness_frames)
    log.info(
        "onboarding policy loaded",
        extra={
            "fields": {"policy_version": policy.version, "policy_sha256": policy.content_sha256}
        },
    )
    return OnboardingDeps(
        settings=settings,
        policy=policy,
        evaluation=EvaluationDeps(
            policy,
            applications,
            adapters.identity,
            adapters.screening,
            container.alerts,
            container.operations,
            container.queue,
            limits,
            utcnow,
        ),
        customers=CustomerDeps(
            customers,
            applications,
            adapters.open_cases,
            vault,
            adapters.audit,
            container.alerts,
            policy,
            settings.retention_policy(),
            utcnow,
        ),
    )


def onboarding_deps(container: Container) -> OnboardingDeps:
    """The process's onboarding dependencies (built on first use)."""
    return container.area(AREA, build_deps)
