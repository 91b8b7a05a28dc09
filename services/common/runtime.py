"""The composition root: settings -> adapters -> handlers, built once per process.

    container = Container.build(WardenSettings())

Nothing here connects at import time. Servers, workers, the CLI and tests all build a Container;
areas hang their own dependencies on it with `container.area(name, factory)` (built on first use
and reused), so an area never reaches for globals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from celery import Celery
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from services.common.alerts import Alert, AlertSink, FollowUp, alert_to_dict
from services.common.auth import KeyStore
from services.common.crypto import KeyRing, development_key_ring
from services.common.db import Database
from services.common.errors import TransientError
from services.common.logs import configure_logging
from services.common.operations import SqlOperationStore, TaskQueue
from services.common.settings import WardenSettings
from services.registry import AREAS, load

T = TypeVar("T")

_PUBLISH_FAILURES = (OSError, KombuError, RedisError, AttributeError)

ALERT_INTAKE_TASK = "cases.intake_alert"


class CeleryTaskQueue:
    """`TaskQueue` over Celery: sends by task name, so senders never import worker code."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        try:
            self.app.send_task(task_name, kwargs=dict(kwargs), queue=queue)
        except _PUBLISH_FAILURES as exc:
            # The broker is away (restarting, unreachable): the caller's operation is retried
            # instead of failing for good. kombu has been seen to raise AttributeError from a
            # connection torn down under it during a Redis restart.
            raise TransientError(f"task queue unavailable: could not send {task_name}") from exc


AlertFollowUps = Callable[[Alert], list[FollowUp]]


def registered_followups() -> tuple[AlertFollowUps, ...]:
    """Every area's `alert_followups` hook, in registry order."""
    return tuple(load(e.alert_followups) for e in AREAS if e.alert_followups)  # type: ignore[misc]


def registered_intake() -> Callable[[Container], AlertSink] | None:
    """The `alert_intake` hook of the area that takes alerts in, if this build has one."""
    hooks = [e.alert_intake for e in AREAS if e.alert_intake]
    return load(hooks[0]) if hooks else None  # type: ignore[return-value]


class QueueAlertSink:
    """`AlertSink` that hands alerts to case intake through the `cases` queue, then queues the
    follow-up work areas registered for alerts (e.g. re-rating the customer involved)."""

    def __init__(self, queue: TaskQueue, followups: tuple[AlertFollowUps, ...] = ()) -> None:
        self.queue = queue
        self.followups = followups

    def raise_alert(self, alert: Alert) -> None:
        self.queue.enqueue(ALERT_INTAKE_TASK, {"alert": alert_to_dict(alert)}, queue="cases")
        self.queue_followups(alert)

    def queue_followups(self, alert: Alert) -> None:
        """Only the follow-up work (for a producer whose alerts are taken in some other way)."""
        for follow_ups in self.followups:
            for work in follow_ups(alert):
                self.queue.enqueue(work.task_name, work.kwargs, queue=work.queue)


class RecordingAlertSink:
    """`AlertSink` that records each alert through case intake as it is raised, then queues
    the follow-up work.

    Sent through the `cases` queue instead, an alert lived only as a Redis message: a Redis
    restart before a cases worker took it lost it for good, because the producer's operation
    had already succeeded and nothing sent it again (found by the e2e Redis-restart test: a
    listed PEP's due-diligence case never opened). Recorded here, before the producer's
    operation succeeds, a crash or restart leaves the operation open; its redelivery or the
    stale-operation sweeper raises the alert again, and intake is idempotent by alert key.
    """

    def __init__(self, intake: AlertSink, queued: QueueAlertSink) -> None:
        self.intake = intake
        self.queued = queued

    def raise_alert(self, alert: Alert) -> None:
        self.intake.raise_alert(alert)
        self.queued.queue_followups(alert)


@dataclass
class Container:
    settings: WardenSettings
    database: Database
    keys: KeyStore
    operations: SqlOperationStore
    key_ring: KeyRing
    celery: Celery
    queue: CeleryTaskQueue
    _areas: dict[str, object] = field(default_factory=dict)
    # Re-entrant: an area's factory may use other container-built parts (`container.alerts`
    # is itself built through `area()`), which a plain Lock would deadlock on.
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def build(cls, settings: WardenSettings, *, celery: Celery | None = None) -> Container:
        from workers.app import create_celery_app  # workers import services, not the reverse

        database = Database.from_url(settings.resolved_database_url)
        app = celery or create_celery_app(settings)
        return cls(
            settings=settings,
            database=database,
            keys=KeyStore(database),
            operations=SqlOperationStore(database),
            key_ring=_key_ring(settings),
            celery=app,
            queue=CeleryTaskQueue(app),
        )

    @property
    def alerts(self) -> AlertSink:
        """Where every area raises its alerts: recorded by case intake as they are raised
        (see `RecordingAlertSink`), or through the `cases` queue in a build without it."""
        return self.area("alerts", _alert_sink)

    def area(self, name: str, factory: Callable[[Container], T]) -> T:
        """The dependencies of area `name`, built by `factory(self)` on first use."""
        with self._lock:
            if name not in self._areas:
                self._areas[name] = factory(self)
            return self._areas[name]  # type: ignore[return-value]

    def close(self) -> None:
        for deps in self._areas.values():
            close = getattr(deps, "close", None)
            if callable(close):
                close()
        self.database.dispose()


def _alert_sink(container: Container) -> AlertSink:
    queued = QueueAlertSink(container.queue, registered_followups())
    intake = registered_intake()
    return queued if intake is None else RecordingAlertSink(intake(container), queued)


def _key_ring(settings: WardenSettings) -> KeyRing:
    spec = settings.encryption_keys.get_secret_value()
    if spec:
        return KeyRing.parse(spec)
    return development_key_ring(settings.data_dir)


def init_process(settings: WardenSettings) -> None:
    """Process-level setup every entry point runs first (logging)."""
    configure_logging(settings.log_level, json_lines=settings.log_json)
