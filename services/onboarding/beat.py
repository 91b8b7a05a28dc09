"""Periodic onboarding work: the retention purge."""

from __future__ import annotations

from typing import Any

from services.common.settings import WardenSettings
from services.onboarding.settings import OnboardingSettings


def schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    every = OnboardingSettings().purge_every_hours * 3600
    return {
        "onboarding-retention-purge": {
            "task": "onboarding.purge_expired",
            "schedule": every,
            # dry_run is left to WARDEN_ONBOARDING_PURGE_DRY_RUN, read by the worker.
            "options": {"queue": "default", "expires": every / 2},
        },
    }
