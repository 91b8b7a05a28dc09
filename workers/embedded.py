"""An in-process Celery worker for embedded mode (`warden demo`, a laptop, no Redis).

The broker is `memory://`, which only works inside one process, so the worker runs as threads
of the process that also serves gRPC. Same tasks, same code path as production; only the
transport differs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from types import TracebackType

from celery import Celery
from celery.worker import WorkController

from services.registry import QUEUES


class EmbeddedWorker:
    def __init__(
        self, app: Celery, *, concurrency: int = 2, queues: Sequence[str] = QUEUES
    ) -> None:
        self.app = app
        self._ready = threading.Event()
        self.controller = WorkController(
            app=app,
            pool_cls="threads",
            concurrency=concurrency,
            queues=list(queues),
            loglevel="WARNING",
            ready_callback=lambda _consumer: self._ready.set(),
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            hostname="embedded@localhost",
        )
        self._thread = threading.Thread(
            target=self.controller.start, name="embedded-worker", daemon=True
        )

    def start(self, timeout: float = 30.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("embedded Celery worker did not start (see the log above)")

    def stop(self, timeout: float = 30.0) -> None:
        self.controller.stop(in_sighandler=False)
        self._thread.join(timeout)

    def __enter__(self) -> EmbeddedWorker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
