"""Skip-or-fail for external services (see tests/conftest.py)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def services_required() -> bool:
    return os.environ.get("WARDEN_REQUIRE_SERVICES", "") not in ("", "0", "false")


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it when CI requires every service (WARDEN_REQUIRE_SERVICES=1)."""
    if services_required():
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)
