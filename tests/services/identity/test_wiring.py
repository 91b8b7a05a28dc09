"""The identity settings reach the document policy the engine runs with."""

from __future__ import annotations

from services.identity.settings import IdentitySettings
from services.identity.wiring import document_policy


def test_document_policy_from_settings() -> None:
    default = document_policy(IdentitySettings())
    assert (default.minimum_age_years, default.accept_specimens) == (18, False)
    custom = document_policy(
        IdentitySettings(document_minimum_age=21, accept_specimen_documents=True)
    )
    assert (custom.minimum_age_years, custom.accept_specimens) == (21, True)
