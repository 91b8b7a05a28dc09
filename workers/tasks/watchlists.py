"""Task shell: reload every watchlist into a new stored version (queue "screening")."""

from __future__ import annotations

from celery import shared_task

from watchlists.beat import RELOAD_TASK
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists
from workers import deps
from workers.base import WardenTask


@shared_task(base=WardenTask, name=RELOAD_TASK)
def reload_lists(**_: object) -> dict[str, object]:
    """Parse the configured catalog, store and activate the version, record it.

    Idempotent: the version id is a hash of the input files, so a redelivered task (or two
    beats racing) stores nothing new and only moves the version's last-activation time. The
    return value is a summary for logs and Flower; the version log in the database is the record.
    """
    result = load_lists(LoadLists(), deps_of(deps.current()))
    return {
        "version": result.info.version,
        "previous_version": result.previous_version,
        "parties": result.info.party_count,
        "delta": result.delta.summary(),
    }
