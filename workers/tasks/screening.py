"""Task shells for screening: re-screen monitored customers when a list version lands."""

from __future__ import annotations

from celery import shared_task

from services.common.errors import TransientError
from services.screening import handlers
from services.screening.deps import RESCREEN_TASK, screening_deps
from services.screening.ports import StaticDelta
from workers import deps
from workers.base import WardenTask


@shared_task(base=WardenTask, name=RESCREEN_TASK)
def rescreen_delta(version: str, added: list[str], changed: list[str], **_: object) -> int:
    """Re-screen every monitored customer against the entries a new list version added or
    changed; returns the number of alerts raised. Retried (transient) until this worker's
    registry serves `version`."""
    screening = screening_deps(deps.current())
    snapshot = screening.lists.current[0]
    if snapshot.version != version:
        raise TransientError(f"list version {version} is not loaded by this worker yet")
    new = tuple(p for p in (snapshot.get(i) for i in added) if p is not None)
    updated = tuple(p for p in (snapshot.get(i) for i in changed) if p is not None)
    delta = StaticDelta(added=new, changed=tuple((p, p) for p in updated), removed=())
    return handlers.rescreen_delta(delta, version, screening).alerts
