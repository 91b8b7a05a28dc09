"""Builds the identity dependencies from the composition root (once per process)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.alerts import AlertSink
from services.common.runtime import Container
from services.identity.adapters.documents import default_document_analyser
from services.identity.adapters.stores import SqlChallengeStore, SqlImageStore, SqlResultStore
from services.identity.core.documents import DocumentPolicy
from services.identity.core.face_model import default_face_model
from services.identity.handlers import IdentityDeps
from services.identity.settings import IdentitySettings


def identity_deps(container: Container) -> IdentityDeps:
    """The area's dependencies, built on first use and shared by servicer and tasks."""
    # Read before `area()`: it holds the container's (non-reentrant) lock while building, and
    # `container.alerts` is itself built through `area()`.
    alerts = container.alerts
    return container.area("identity", lambda c: build_identity_deps(c, alerts))


def build_identity_deps(
    container: Container, alerts: AlertSink, settings: IdentitySettings | None = None
) -> IdentityDeps:
    """Adapters over the container's database, queue and key ring; `settings` from the
    environment (WARDEN_IDENTITY_*) unless given (tests)."""
    settings = settings or IdentitySettings()
    return IdentityDeps(
        settings=settings,
        operations=container.operations,
        queue=container.queue,
        images=SqlImageStore(container.database, container.key_ring),
        challenges=SqlChallengeStore(container.database),
        results=SqlResultStore(container.database),
        alerts=alerts,
        key_ring=container.key_ring,
        documents=default_document_analyser(document_policy(settings), default_face_model),
        face_model=default_face_model,  # loaded on first use: servers never pay for it
        clock=lambda: datetime.now(UTC),
    )


def document_policy(settings: IdentitySettings) -> DocumentPolicy:
    return DocumentPolicy(
        minimum_age_years=settings.document_minimum_age,
        accept_specimens=settings.accept_specimen_documents,
    )
