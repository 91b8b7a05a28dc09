"""Periodic reload of every list (the task is a no-op when no file changed)."""

from __future__ import annotations

from typing import Any

from services.common.settings import WardenSettings
from watchlists.settings import ListsSettings

RELOAD_TASK = "screening.reload_lists"  # the "screening." prefix routes it to that queue


def schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    every = ListsSettings().reload_every_s
    return {
        "reload-watchlists": {
            "task": RELOAD_TASK,
            "schedule": every,
            # A reload still queued when the next one is due is redundant: let it expire.
            "options": {"queue": "screening", "expires": every * 0.9},
        },
    }
