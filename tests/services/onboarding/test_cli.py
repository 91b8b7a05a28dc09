"""`warden onboarding ...` as an operator uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import cli
from services.onboarding.cli import group
from services.onboarding.core.policy_file import DEFAULT_POLICY
from tests.services.onboarding.factories import default_policy


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    return CliRunner()


def test_policy_check_prints_version_and_hash(runner: CliRunner) -> None:
    result = runner.invoke(group, ["policy", "check", str(DEFAULT_POLICY)])
    assert result.exit_code == 0, result.output
    assert f"version {default_policy().version}" in result.output
    assert default_policy().content_sha256 in result.output


def test_bad_policy_fails_with_the_field_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        DEFAULT_POLICY.read_text().replace("identity.document_expired]", "identity.expired]")
    )
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "onboarding", "policy", "check", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "rules[1].when.any[0]: unknown 'identity.expired'" in done.stderr


def test_signals_are_listed(runner: CliRunner) -> None:
    result = runner.invoke(group, ["policy", "signals"])
    assert "screening.sanctions.match" in result.output
    assert "(confidential)" in result.output


def test_purge_is_a_dry_run_unless_told_and_rewrap_reports(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    dry = runner.invoke(group, ["purge", "--as-of", "2030-01-01"])
    assert dry.exit_code == 0, dry.output
    assert "would purge 0 record(s) as of 2030-01-01" in dry.output
    # With case management deployed the audit log is durable: a real run is allowed.
    executed = runner.invoke(group, ["purge", "--execute"])
    assert executed.exit_code == 0, executed.output
    assert "purged 0 record(s)" in executed.output
    rewrap = runner.invoke(group, ["rewrap-keys"])
    assert rewrap.exit_code == 0, rewrap.output
    assert "re-wrapped 0 data key(s)" in rewrap.output
