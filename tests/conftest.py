"""Fixtures shared by the whole suite.

External services: tests marked `redis` or `postgres` use the real servers. Without them they
skip, unless WARDEN_REQUIRE_SERVICES=1 (set by CI), in which case they fail: a CI run must never
turn green by skipping what it was meant to prove.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def services_required() -> bool:
    return os.environ.get("WARDEN_REQUIRE_SERVICES", "") not in ("", "0", "false")


def unavailable(reason: str) -> None:
    """Skip the test, or fail it when CI requires every service."""
    if services_required():
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def find_shared_data() -> Path | None:
    """../shared/data beside the checkout, or WARDEN_SHARED_DATA, or /work/shared/data."""
    candidates = [
        os.environ.get("WARDEN_SHARED_DATA"),
        str(REPO_ROOT.parent / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "watchlists").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; tests that need it skip when it is absent."""
    found = find_shared_data()
    if found is None:
        pytest.skip("../shared/data is not present (set WARDEN_SHARED_DATA)")
    return found


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
