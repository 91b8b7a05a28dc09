"""Periodic maintenance of the shared runtime."""

from __future__ import annotations

from typing import Any

from services.common.settings import WardenSettings


def schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    return {
        "requeue-stale-operations": {
            "task": "operations.requeue_stale",
            "schedule": float(settings.operations.requeue_every_s),
            "options": {"queue": "default", "expires": settings.operations.requeue_every_s},
        },
    }
