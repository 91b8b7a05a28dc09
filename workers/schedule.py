"""The beat schedule, in one place: every area's periodic tasks, merged.

Areas declare theirs in `services/<area>/beat.py` (`schedule(settings) -> dict`); names must be
unique across areas, and a clash is an error rather than a silent override.
"""

from __future__ import annotations

from typing import Any

from services.common.settings import WardenSettings
from services.registry import AREAS, load


def beat_schedule(settings: WardenSettings) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for entry in AREAS:
        if not entry.beat:
            continue
        schedule = load(entry.beat)(settings)  # type: ignore[operator]
        clash = set(merged) & set(schedule)
        if clash:
            raise ValueError(f"beat entries defined twice: {sorted(clash)}")
        merged.update(schedule)
    return merged
