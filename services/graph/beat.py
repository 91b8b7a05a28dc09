"""The nightly sweep on Celery beat."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from services.common.settings import WardenSettings
from services.graph.settings import GraphSettings


def schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    hour = GraphSettings().nightly_hour_utc
    return {
        "graph-nightly-sweep": {
            "task": "graph.nightly_sweep",
            "schedule": crontab(hour=hour, minute=0),
            "options": {"queue": "graph", "expires": 3600},
        },
    }
