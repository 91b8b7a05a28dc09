"""Periodic work of the identity area."""

from __future__ import annotations

from typing import Any

from services.common.settings import WardenSettings
from services.identity.handlers import PURGE_TASK, QUEUE

PURGE_EVERY_S = 3600.0


def schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    """Hourly purge of images past the retention period (WARDEN_IDENTITY_RETENTION_DAYS)."""
    return {
        "identity-purge-expired-images": {
            "task": PURGE_TASK,
            "schedule": PURGE_EVERY_S,
            "options": {"queue": QUEUE, "expires": PURGE_EVERY_S},
        },
    }
