"""The base task every Warden task uses.

- Retries only declared transient errors (a database or broker blip, `TransientError`), with
  exponential back-off and jitter; any other error is final — retrying a bug just repeats it.
- Binds task name and id to every log line, and records Prometheus counters and durations.
- Inherits the app's `acks_late` / `reject_on_worker_lost`: task bodies must be idempotent.
"""

from __future__ import annotations

import time
from typing import Any

import redis.exceptions
import sqlalchemy.exc
from celery import Task
from prometheus_client import Counter, Histogram

from services.common.errors import TransientError
from services.common.logs import bind

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    sqlalchemy.exc.OperationalError,  # connection dropped, failover, lock timeout
    sqlalchemy.exc.DisconnectionError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)

TASKS = Counter("warden_tasks_total", "Celery tasks finished", ["task", "outcome"])
TASK_SECONDS = Histogram(
    "warden_task_seconds",
    "Celery task duration",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)


class WardenTask(Task[Any, Any]):
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 8

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome = "error"
        with bind(task=self.name, task_id=self.request.id):
            try:
                result = super().__call__(*args, **kwargs)
                outcome = "ok"
                return result
            finally:
                TASKS.labels(self.name, outcome).inc()
                TASK_SECONDS.labels(self.name).observe(time.perf_counter() - started)
