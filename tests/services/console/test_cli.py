"""`warden console set-password`."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from services.cli import _container, cli
from services.console.adapters.sql import SqlCredentials
from services.console.cli import group


def test_set_password_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    short = runner.invoke(group, ["set-password", "ana", "--password", "short"])
    assert short.exit_code != 0
    done = runner.invoke(group, ["set-password", "ana"], input="a long passphrase\n" * 2)
    assert done.exit_code == 0, done.output
    container = _container()
    stored = SqlCredentials(container.database).get("ana")
    container.close()
    assert stored is not None
    assert PasswordHasher().verify(stored.password_hash, "a long passphrase")
    assert (tmp_path / "console-api.key").stat().st_mode & 0o777 == 0o600
