"""Fixtures of the in-process fault and hostile-input tests (see inprocess.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.inprocess import Live, live_suite
from tests.support import story


@pytest.fixture
def lists_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    catalog = story.write_catalog(tmp_path / "lists")
    monkeypatch.setenv("WARDEN_WATCHLISTS_CATALOG", str(catalog))
    return catalog


@pytest.fixture
async def live(
    tmp_path: Path, postgres_url: str, lists_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Live]:
    """The whole suite in-process over an emptied PostgreSQL database, lists loaded."""
    for name, value in story.SPECIMEN_ENV.items():
        monkeypatch.setenv(name, value)
    async with live_suite(tmp_path, postgres_url) as suite:
        yield suite


@pytest.fixture(scope="module")
def images(shared_data: Path) -> story.Images:
    return story.Images.load(shared_data)
