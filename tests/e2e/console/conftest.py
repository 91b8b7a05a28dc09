"""Headless Chromium (the Debian package) driven by Playwright against a live console.

No browser is ever downloaded: Playwright is pointed at /usr/bin/chromium. Without it the
browser tests skip, except under WARDEN_REQUIRE_SERVICES=1 (CI), where they fail.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.runtime import Container
from services.console.runner import ConsoleHandle, start_console
from tests.services.console.support import Console, running_console
from tests.support.services import unavailable

CHROMIUM = Path(os.environ.get("WARDEN_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "console"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ConsoleThread:
    """The console on uvicorn, in a thread with its own event loop (like `warden console`)."""

    def __init__(self, console: Console, container: Container) -> None:
        self.console, self.container = console, container
        self.url = ""
        self._ready, self._stop = threading.Event(), threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="console", daemon=True)

    def _run(self) -> None:
        async def serve() -> None:
            state = dataclasses.replace(self.console.state, client=None)  # this loop's channel
            handle: ConsoleHandle = await start_console(self.container, "127.0.0.1", 0, state=state)
            self.url = handle.url
            self._ready.set()
            await asyncio.to_thread(self._stop.wait)
            await handle.stop()

        try:
            asyncio.run(serve())
        except BaseException as error:  # surfaced to the test thread by __enter__
            self._error = error
            self._ready.set()

    def __enter__(self) -> ConsoleThread:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None or not self.url:
            raise RuntimeError(f"console did not start: {self._error!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(15)


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)")
    return CHROMIUM


@pytest.fixture
def live_console(container: Container, chromium: Path) -> Iterator[tuple[Console, str]]:
    with running_console(container) as console, ConsoleThread(console, container) as server:
        yield console, server.url


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
