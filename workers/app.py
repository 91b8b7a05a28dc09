"""The Celery application: Redis broker, one queue per kind of work, reliability settings.

Reliability choices (see docs/operations.md):
- `acks_late` + `reject_on_worker_lost`: a message is acknowledged only after its task finished,
  so a worker killed mid-task (OOM, SIGKILL, node loss) loses nothing: Redis redelivers it after
  the visibility timeout. Tasks are therefore written to be idempotent.
- prefetch 1: a worker holds one message beyond the one it runs, so a slow face match does not
  strand a queue of work behind it.
- No result backend: results that matter are written to the database by the task itself.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu import Queue

from services.common.settings import WardenSettings
from services.registry import QUEUES, import_all

TASK_QUEUE_BY_PREFIX = {
    "identity.": "identity",
    "screening.": "screening",
    "graph.": "graph",
    "cases.": "cases",
}


def route_for(task_name: str) -> str:
    """Queue of a task from its name prefix ("graph.sweep_partition" -> "graph")."""
    for prefix, queue in TASK_QUEUE_BY_PREFIX.items():
        if task_name.startswith(prefix):
            return queue
    return "default"


def _router(
    name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any
) -> dict[str, str]:
    return {"queue": route_for(name)}


def create_celery_app(settings: WardenSettings) -> Celery:
    """Build the app for `settings`; `memory://` (in-process) when no Redis URL is configured.

    Task modules declare their tasks with `celery.shared_task`, so every app built here (the
    embedded one and a Redis one can coexist in tests) gets all of them once they are imported.
    """
    import_all("tasks")
    app = Celery("warden", set_as_current=False)
    transport_options: dict[str, Any] = {
        "visibility_timeout": settings.celery.visibility_timeout_s,
        # Sweep for messages a dead worker left unacknowledged every restore_interval_s
        # (kombu otherwise sweeps every interval x throttle = 100 s).
        "unacked_restore_interval": settings.celery.restore_interval_s,
        "unacked_restore_throttle": 1,
    }
    if settings.embedded:
        # memory:// polls for messages; the default 1 s poll makes every step of the demo wait.
        transport_options["polling_interval"] = 0.05
    if settings.celery.key_prefix:
        transport_options["global_keyprefix"] = settings.celery.key_prefix
    app.conf.update(
        broker_url=settings.redis_url or "memory://localhost/",
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.celery.task_time_limit_s,
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="default",
        task_routes=(_router,),
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone="UTC",
        enable_utc=True,
    )
    app.finalize(auto=True)
    return app
