"""`start_console` as `warden demo` will call it: only (container, host, port)."""

from __future__ import annotations

import httpx
import pytest

from services.cases.wiring import case_deps
from services.common.errors import InvalidArgument
from services.common.runtime import Container
from services.console import auth
from services.console.client import CONSOLE_SCOPES
from services.console.runner import LINK_AREA, ConsoleLink, build_state, start_console
from services.console.settings import ConsoleSettings
from tests.services.console.support import CSRF, TEST_HASHER, CaseServerThread, add_officers


async def test_start_console_uses_the_link_the_demo_registered(container: Container) -> None:
    with CaseServerThread(container) as server:
        token = container.keys.create_key("console (demo)", CONSOLE_SCOPES).token
        link = ConsoleLink(server.address, token)
        container.area(LINK_AREA, lambda _: link)  # what services/console/demo.py does
        state = build_state(container, ConsoleSettings(), link)
        state.hasher = TEST_HASHER
        state.__post_init__()
        add_officers(case_deps(container), state)
        handle = await start_console(container, "127.0.0.1", 0)
        try:
            assert handle.url.startswith("http://127.0.0.1:")
            async with httpx.AsyncClient(base_url=handle.url) as client:
                form = await client.get("/login")
                assert form.status_code == 200
                token_match = CSRF.search(form.text)
                assert token_match is not None
                reply = await client.post(
                    "/login",
                    data={
                        "officer_id": "rita",
                        "password": "rita-correct-horse",
                        "csrf_token": token_match[1],
                    },
                )
                assert reply.status_code == 303
                queue = await client.get("/queue")
                assert queue.status_code == 200
                assert "Rita" in queue.text
        finally:
            await handle.stop()
        assert handle.task.done()


def test_password_policy() -> None:
    with pytest.raises(InvalidArgument):
        auth.validate_password("short")
    assert auth.validate_password("a sufficiently long one") == "a sufficiently long one"
