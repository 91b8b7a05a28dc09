"""The `warden` command as an operator uses it (in-process, against a temporary SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    return CliRunner()


def test_db_upgrade_then_key_lifecycle(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(cli, ["keys", "create", "--name", "app", "--scopes", "diagnostics.*"])
    assert created.exit_code == 0, created.output
    key_id = created.output.split("key id: ")[1].split()[0]
    assert "wdn_" + key_id in created.output
    listed = runner.invoke(cli, ["keys", "list"])
    assert key_id in listed.output
    assert "active" in listed.output
    assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["keys", "list"]).output
    assert _audited_key_events(key_id) == ["security.key_created", "security.key_revoked"]
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def _audited_key_events(key_id: str) -> list[str]:
    from services.cases.wiring import case_deps
    from services.common.runtime import Container
    from services.common.settings import WardenSettings

    container = Container.build(WardenSettings())
    try:
        entries = case_deps(container).audit.entries()
    finally:
        container.close()
    return [e.action for e in entries if e.target == f"key:{key_id}"]


def test_a_typo_in_a_scope_is_refused(runner: CliRunner) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    result = runner.invoke(cli, ["keys", "create", "--name", "x", "--scopes", "diagnostics.prob"])
    assert result.exit_code != 0
    assert "unknown scope" in str(result.exception)


def test_worker_and_beat_need_redis(runner: CliRunner) -> None:
    for command in (["worker"], ["beat"]):
        result = runner.invoke(cli, command)
        assert result.exit_code != 0
        assert "WARDEN_REDIS_URL" in result.output


def test_settings_reference_lists_every_variable(runner: CliRunner) -> None:
    output = runner.invoke(cli, ["settings"]).output
    for variable in (
        "WARDEN_DATABASE_URL",
        "WARDEN_REDIS_URL",
        "WARDEN_GRPC__PORT",
        "WARDEN_CELERY__VISIBILITY_TIMEOUT_S",
        "WARDEN_ENCRYPTION_KEYS",
    ):
        assert f"`{variable}`" in output


def test_readme_settings_table_is_current() -> None:
    from services.common.settings_doc import with_table
    from tests.conftest import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text()
    assert with_table(readme) == readme, (
        "README settings are stale: run `python -m services.common.settings_doc --write README.md`"
    )


def test_help_lists_every_area_command(runner: CliRunner) -> None:
    output = runner.invoke(cli, ["--help"]).output
    for command in ("serve", "worker", "keys", "lists", "cases", "audit"):
        assert f"  {command} " in output, output
