"""Fixtures of the console tests: a real CaseService and the console app in front of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from services.common.runtime import Container
from tests.services.console.support import Console, client_for, running_console


@pytest.fixture
def console(container: Container) -> Iterator[Console]:
    with running_console(container) as running:
        yield running


@pytest.fixture
def client(console: Console) -> Iterator[TestClient]:
    with client_for(console) as test_client:
        yield test_client
