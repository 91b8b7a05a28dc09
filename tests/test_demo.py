"""The README's first command: the main job end to end, embedded (no Redis, no PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.demo import run_demo
from tests.conftest import make_settings


@pytest.mark.slow
async def test_demo_runs_end_to_end_without_servers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(
        tmp_path,
        redis_url="redis://unreachable.invalid:6379/0",
        database_url="postgresql+psycopg://nobody@unreachable.invalid/x",
    )
    exit_code = await run_demo(settings)
    output = capsys.readouterr().out
    assert exit_code == 0, output
    assert "5/5 probes" in output
    assert "7/7 as policy says" in output  # clean APPROVED, expired/mismatch REJECTED, ...
    # The demo's opt-in to specimen documents must not outlive it (same process as other tests).
    assert "WARDEN_IDENTITY_ACCEPT_SPECIMEN_DOCUMENTS" not in os.environ
    assert "FAILED" not in output
