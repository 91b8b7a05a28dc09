"""Periodic onboarding work: due periodic reviews, the retention purge."""

from __future__ import annotations

from typing import Any

from services.common.settings import WardenSettings
from services.onboarding.settings import OnboardingSettings


def schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    every = OnboardingSettings().purge_every_hours * 3600
    return {
        "onboarding-reviews-due": {
            "task": "onboarding.raise_due_reviews",
            "schedule": 24 * 3600.0,
            "options": {"queue": "default", "expires": 12 * 3600},
        },
        "onboarding-retention-purge": {
            "task": "onboarding.purge_expired",
            "schedule": every,
            # dry_run is left to WARDEN_ONBOARDING_PURGE_DRY_RUN, read by the worker.
            "options": {"queue": "default", "expires": every / 2},
        },
    }
