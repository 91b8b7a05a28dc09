"""Dependencies of task bodies in this process: the Container, rebuilt after a fork.

Worker entry points call `install(container)` once; prefork pool children see a new pid and build
their own Container from the same settings (database connections must never cross a fork).
In embedded mode the in-process worker shares the server's Container — and its in-memory broker.
"""

from __future__ import annotations

import os
import threading

from services.common.runtime import Container
from services.common.settings import WardenSettings

_state: dict[str, object] = {}
_lock = threading.Lock()


def install(container: Container) -> None:
    with _lock:
        _state.update(container=container, pid=os.getpid(), settings=container.settings)


def current() -> Container:
    with _lock:
        container = _state.get("container")
        if isinstance(container, Container) and _state.get("pid") == os.getpid():
            return container
        settings = _state.get("settings")
        if not isinstance(settings, WardenSettings):
            settings = WardenSettings()
        container = Container.build(settings)
        _state.update(container=container, pid=os.getpid(), settings=settings)
        return container


def reset() -> None:
    """Forget the installed container (tests)."""
    with _lock:
        _state.clear()
